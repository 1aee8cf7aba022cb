// Admin helpers, loaded as a file (the CSP forbids inline scripts): confirmation before
// destructive actions, and a period choice that clears the date fields it replaces.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.id === "f-period" && field.value) {
    for (const id of ["f-from", "f-to"]) {
      const input = document.getElementById(id);
      if (input) input.value = "";
    }
  }
});
