// Progressive enhancement for the checkout page: choosing an address in
// another country (a saved one, or the country of a new one) shows that
// country's delivery options at once, so the "Update delivery options" button
// is only needed without JavaScript. The page says which country its options
// are for (data-delivery-country); nothing is reloaded while that stays true.
(function () {
  var button = document.querySelector("button[data-delivery-update]");
  if (!button) return;
  var form = button.form;
  var country = form.querySelector("select[name=country]");

  function chosenCountry() {
    // A guest's page has no address book: its one address is typed in (a hidden "new").
    var address = form.querySelector("input[name=address]:checked, input[type=hidden][name=address]");
    if (!address) return "";
    if (address.value === "new") return country ? country.value : "";
    return address.dataset.country || "";
  }

  function update() {
    var chosen = chosenCountry();
    if (chosen && chosen !== form.dataset.deliveryCountry) form.requestSubmit(button);
  }

  form.querySelectorAll("input[name=address]").forEach(function (input) {
    input.addEventListener("change", update);
  });
  if (country) country.addEventListener("change", update);
  button.classList.add("visually-hidden");
})();
