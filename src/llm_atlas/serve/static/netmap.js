// The network maps: a label on hover (or keyboard focus), the node's links highlighted, and
// the filters (type, region, organisational model) that hide the nodes that do not match.
// The maps work without this script: every node is a link with a <title>.
document.addEventListener("DOMContentLoaded", function () {
  var SVG = "http://www.w3.org/2000/svg";

  function setUp(figure) {
    var svg = figure.querySelector("svg");
    var nodes = Array.prototype.slice.call(figure.querySelectorAll("g.node"));
    var lines = Array.prototype.slice.call(figure.querySelectorAll("g.edges line"));
    var labels = Array.prototype.slice.call(figure.querySelectorAll("g.labels text"));
    var links = {};
    lines.forEach(function (line) {
      [line.dataset.a, line.dataset.b].forEach(function (id) { (links[id] = links[id] || []).push(line); });
    });
    var tip = document.createElementNS(SVG, "g");
    tip.setAttribute("class", "tip");
    tip.setAttribute("aria-hidden", "true");
    var box = document.createElementNS(SVG, "rect");
    var text = document.createElementNS(SVG, "text");
    box.setAttribute("rx", "3");
    tip.appendChild(box);
    tip.appendChild(text);
    tip.setAttribute("visibility", "hidden");
    svg.appendChild(tip);
    var view = svg.viewBox.baseVal;

    function show(node) {
      var circle = node.querySelector("circle");
      var cx = circle.cx.baseVal.value, cy = circle.cy.baseVal.value, r = circle.r.baseVal.value;
      text.textContent = node.dataset.label;
      tip.setAttribute("visibility", "visible");
      var b = text.getBBox();
      var x = Math.min(Math.max(cx - b.width / 2, 4), view.width - b.width - 4);
      var y = cy - r - 8 < b.height + 4 ? cy + r + b.height + 6 : cy - r - 8;
      text.setAttribute("x", x);
      text.setAttribute("y", y);
      b = text.getBBox();
      box.setAttribute("x", b.x - 4);
      box.setAttribute("y", b.y - 2);
      box.setAttribute("width", b.width + 8);
      box.setAttribute("height", b.height + 4);
      figure.classList.add("focus");
      node.classList.add("hot");
      (links[node.dataset.id] || []).forEach(function (line) { line.classList.add("hot"); });
    }

    function hide(node) {
      tip.setAttribute("visibility", "hidden");
      figure.classList.remove("focus");
      node.classList.remove("hot");
      (links[node.dataset.id] || []).forEach(function (line) { line.classList.remove("hot"); });
    }

    nodes.forEach(function (node) {
      var title = node.querySelector("title");  // the script's label replaces the browser's tooltip
      if (title) title.parentNode.removeChild(title);
      node.addEventListener("mouseenter", function () { show(node); });
      node.addEventListener("mouseleave", function () { hide(node); });
      node.addEventListener("focusin", function () { show(node); });
      node.addEventListener("focusout", function () { hide(node); });
    });
    return { nodes: nodes, lines: lines, labels: labels };
  }

  function filter(form, map) {
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
    var output = form.querySelector("output");
    function apply() {
      var shown = {}, count = 0;
      map.nodes.forEach(function (node) {
        var match = selects.every(function (select) {
          var wanted = select.value;
          return !wanted || (node.dataset[select.dataset.filter] || "").split(" ").indexOf(wanted) >= 0;
        });
        node.classList.toggle("off", !match);
        if (match) { shown[node.dataset.id] = true; count += 1; }
      });
      map.lines.forEach(function (line) {
        line.classList.toggle("off", !(shown[line.dataset.a] && shown[line.dataset.b]));
      });
      map.labels.forEach(function (label) { label.classList.toggle("off", !shown[label.dataset.id]); });
      if (output) output.textContent = "showing " + count + " of " + map.nodes.length + " nodes";
    }
    selects.forEach(function (select) { select.addEventListener("change", apply); });
    form.hidden = false;
    apply();
  }

  var maps = {};
  Array.prototype.forEach.call(document.querySelectorAll("figure.netmap"), function (figure) {
    maps[figure.id] = setUp(figure);
  });
  Array.prototype.forEach.call(document.querySelectorAll("form.netfilters"), function (form) {
    var map = maps[form.dataset.map];
    if (map && form.querySelector("select")) filter(form, map);
  });
});
