// The query page: choosing an example puts its text in the editor. Works without this script too.
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("examples");
  var editor = document.getElementById("query");
  var texts = document.getElementById("example-texts");
  if (!select || !editor || !texts) return;
  select.addEventListener("change", function () {
    var pre = texts.content.querySelector('pre[data-name="' + CSS.escape(select.value) + '"]');
    if (pre) editor.value = pre.textContent;
  });
});
