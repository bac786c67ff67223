// Films pages. Optional: without it every control still works (its form posts and the page comes back).
"use strict";

// With htmx, a rating is saved as soon as it changes: the star form's "Save rating" button is then hidden.
if (window.htmx) {
  document.documentElement.classList.add("htmx-on");
}
