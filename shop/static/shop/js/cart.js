// Progressive enhancement for the cart page: changing a quantity submits its
// form, so the "Update" button is only needed without JavaScript.
document.querySelectorAll("input[data-autosubmit]").forEach(function (input) {
  input.addEventListener("change", function () {
    if (input.checkValidity()) input.form.requestSubmit();
  });
  var button = input.form.querySelector("button[type=submit]");
  if (button) button.classList.add("visually-hidden");
});
