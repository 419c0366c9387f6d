// While a checkout waits for its payment, ask the API every two seconds and
// reload the page once the status changes (without JavaScript, the page's
// <noscript> refresh does the same).
(function () {
  var box = document.querySelector("[data-checkout-status]");
  if (!box) return;
  var started = Date.now();
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (checkout) {
        if (checkout && checkout.status !== box.dataset.checkoutStatus) {
          window.location.reload();
        } else if (Date.now() - started < 10 * 60 * 1000) {
          setTimeout(poll, 2000);
        }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
})();
