// Date boxes (input[data-date-input]) are text boxes typed dd/mm/yyyy whatever the browser's
// language; the server reads dd/mm/yyyy and yyyy-mm-dd. This helper only eases typing and is not
// needed: it inserts the "/" after the day and the month, and rewrites 2024-12-31 or 1/2/2024 as
// 31/12/2024 and 01/02/2024 when the box is left.
"use strict";
(() => {
  const pad = (text) => (text.length === 1 ? "0" + text : text);
  const tidy = (value) => {
    const text = value.trim();
    let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    if (match) return `${pad(match[3])}/${pad(match[2])}/${match[1]}`;
    match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
    if (match) return `${pad(match[1])}/${pad(match[2])}/${match[3]}`;
    return value;
  };
  document.addEventListener("input", (event) => {
    const box = event.target;
    if (!box.matches || !box.matches("input[data-date-input]") || event.inputType !== "insertText") return;
    // Typing digits only: 31122024 becomes 31/12/2024 as it is typed.
    if (/^\d{2}$/.test(box.value) || /^\d{2}\/\d{2}$/.test(box.value)) box.value += "/";
  });
  document.addEventListener(
    "blur",
    (event) => {
      const box = event.target;
      if (box.matches && box.matches("input[data-date-input]")) box.value = tidy(box.value);
    },
    true,
  );
})();
