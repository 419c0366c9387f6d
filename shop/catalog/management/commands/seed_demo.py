import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from shop.catalog import demo


class Command(BaseCommand):
    help = (
        "Fill an empty catalog with a demo store: categories, products with variants, "
        "prices, stock and pictures. Does nothing if there are products, unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--products", type=int, default=200, help="How many products (default 200)."
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="Random seed: the same seed, the same catalog."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the whole catalog first (products, categories, reservations, stock "
            "history).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, products, seed, reset, no_progress, verbosity, **options):
        if products < 1:
            raise CommandError("--products must be at least 1.")
        if not reset and not demo.catalog_is_empty():
            self.stdout.write("The catalog already has products; nothing to do (--reset rebuilds).")
            return
        started = time.perf_counter()
        if reset:
            demo.clear_catalog()
        with tqdm(
            total=products,
            unit="product",
            desc="Seeding",
            file=sys.stderr,
            disable=no_progress or verbosity == 0 or not sys.stderr.isatty(),
        ) as bar:
            result = demo.seed(products, seed=seed, progress=bar.update)
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {result.categories} categories, {result.products} products, "
                    f"{result.variants} variants and {result.images} images "
                    f"in {time.perf_counter() - started:.1f}s."
                )
            )
