// Progressive enhancement for the variant picker. Without JavaScript a
// customer ticks an option and presses "Add to cart" (the picker and the
// button are one form), or "Show this option" to see its price and stock at
// the top of the page. Here ticking an option shows it at once, and the focus
// returns to it after the page loads.
(function () {
  var form = document.querySelector("form.variant-picker");
  if (!form) return;
  var focusKey = "variant-picker-focus";
  function remember(value) {
    try {
      if (value) sessionStorage.setItem(focusKey, "1");
      else sessionStorage.removeItem(focusKey);
    } catch (storageOff) {}
  }
  function remembered() {
    try { return sessionStorage.getItem(focusKey); } catch (storageOff) { return null; }
  }
  var show = form.querySelector(".variant-picker__show");
  form.addEventListener("change", function (event) {
    if (event.target.name !== "variant") return;
    remember(true);
    // Only ?variant=: the URL the page cache keeps (not the quantity typed).
    var url = new URL(show ? show.formAction : window.location.href);
    url.search = "";
    url.searchParams.set("variant", event.target.value);
    window.location.assign(url.toString());
  });
  if (show) show.classList.add("visually-hidden");
  if (remembered()) {
    remember(false);
    var checked = form.querySelector("input[name=variant]:checked");
    if (checked) checked.focus();
  }
})();
