// Progressive enhancement for the variant picker. Without JavaScript a
// customer picks an option and presses "Show this option"; pressing "Add to
// cart" first would add the option the page was showing, not the one ticked.
// Here ticking an option shows it at once (price, stock, the SKU the cart
// gets), and the focus returns to it after the page loads.
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
  form.addEventListener("change", function () {
    remember(true);
    form.requestSubmit();
  });
  var button = form.querySelector("button[type=submit]");
  if (button) button.classList.add("visually-hidden");
  if (remembered()) {
    remember(false);
    var checked = form.querySelector("input:checked");
    if (checked) checked.focus();
  }
})();
