"""
An OTLP/HTTP trace receiver for the benchmarks: it takes what the shop's
processes export, decodes it (as a collector would) and counts spans per
service, and answers ``GET /spans`` with those counts as JSON. It keeps no
span: a benchmark with traces on pays for exporting them, not for storing.

    python bench/otlp_sink.py        # prints its URL, serves until terminated
"""

import gzip
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


class Sink(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SinkHandler)
        self.spans: Counter[str] = Counter()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class SinkHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        counted = Counter()
        for resource_spans in ExportTraceServiceRequest.FromString(body).resource_spans:
            service = next(
                (
                    attribute.value.string_value
                    for attribute in resource_spans.resource.attributes
                    if attribute.key == "service.name"
                ),
                "unknown",
            )
            counted[service] += sum(len(scope.spans) for scope in resource_spans.scope_spans)
        with self.server.lock:
            self.server.spans.update(counted)
        self._answer(ExportTraceServiceResponse().SerializeToString(), "application/x-protobuf")

    def do_GET(self):
        with self.server.lock:
            counts = dict(self.server.spans)
        self._answer(json.dumps(counts).encode(), "application/json")

    def _answer(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    sink = Sink()
    print(sink.url, flush=True)
    sink.serve_forever()


if __name__ == "__main__":
    main()
