// Admin helpers, loaded as a file (the CSP forbids inline scripts): confirmation before
// destructive actions; choosing a period and typing dates exclude each other (the server lets a
// period win, so typed dates clear the period choice).
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  const field = event.target;
  if ((field.id === "f-from" || field.id === "f-to") && field.value) {
    const period = document.getElementById("f-period");
    if (period) period.value = "";
  }
});
