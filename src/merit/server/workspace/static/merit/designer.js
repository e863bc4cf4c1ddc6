// After htmx redraws the designer, put the keyboard focus where the user's action leads (the new learning
// outcome, or the skill search box of the outcome just changed), so that keyboard and screen-reader users keep
// their place. The hint is used once, so later redraws of the completeness check leave the focus alone.
document.addEventListener("htmx:afterSettle", function () {
  var form = document.getElementById("spec-form");
  if (!form || !form.dataset.focus) return;
  var target = document.getElementById(form.dataset.focus);
  delete form.dataset.focus;
  if (target) target.focus();
});
// Enter in an ESCO skill search box asks htmx for the results at once instead of submitting the whole form (here,
// not in an hx-on attribute, which would need the policy to allow eval: docs/decisions/0015).
document.addEventListener("keydown", function (event) {
  var box = event.target;
  if (event.key !== "Enter" || !box.matches || !box.matches("input[data-search-on-enter]")) return;
  event.preventDefault();
  htmx.trigger(box, "search");
});
