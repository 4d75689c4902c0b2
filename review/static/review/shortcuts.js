// Keyboard shortcuts of the review task page; a file, not an inline script,
// so the Content-Security-Policy can forbid inline scripts.
// Shortcuts, ignored while typing in a field.
document.addEventListener("keydown", function (event) {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  const click = (id) => { const el = document.getElementById(id); if (el) { event.preventDefault(); el.click(); } };
  const fields = Array.from(document.querySelectorAll(".review-field input, .review-field textarea"));
  const at = fields.indexOf(document.activeElement);
  if (event.key === "c") click("claim-button");
  else if (event.key === "a") click("approve-button");
  else if (event.key === "s") click("edit-button");
  else if (event.key === "r") click("reject-button");
  else if (event.key === "j" && fields.length) { event.preventDefault(); fields[Math.min(at + 1, fields.length - 1)].focus(); }
  else if (event.key === "k" && fields.length) { event.preventDefault(); fields[Math.max(at - 1, 0)].focus(); }
});
