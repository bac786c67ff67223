// FlixReview's only script (besides htmx). Everything works without it: forms post and redirect.
"use strict";

// htmx swaps in partial pages; move focus to a swapped region that asks for it, so keyboard and screen-reader
// users land where the change happened.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  const focus = target && target.querySelector("[data-autofocus]");
  if (focus) {
    focus.focus();
  }
});

// A confirmation for destructive buttons: <button data-confirm="Delete this review?">.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
