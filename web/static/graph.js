/* Draws every .graph-canvas on the page with vis-network.
 *
 * Safety: graph data comes from a <script type="application/json"> block
 * (JSON.parse) or from the JSON API; every text from data reaches the page
 * through textContent or the canvas, never as markup. Tooltips are turned
 * into DOM elements here so vis-network never interprets them as HTML.
 *
 * Never hang the browser: the server caps each drawing; physics stops after
 * stabilisation; large drawings arrive with positions and physics off.
 */
(function () {
  "use strict";
  var graphs = {};
  window.agGraphs = graphs;

  function tip(text) {
    var el = document.createElement("div");
    el.className = "ag-tip";
    el.textContent = String(text);
    return el;
  }

  function prepare(item) {
    var copy = Object.assign({}, item);
    if (typeof copy.title === "string") { copy.title = tip(copy.title); }
    return copy;
  }

  function status(container, text) {
    var el = document.getElementById(container.id + "-status");
    if (el) { el.textContent = text || ""; }
  }

  // A whole number with the page language's thousands separator: 16.378 (id), 16,378 (en).
  function count(n) {
    var sep = document.documentElement.lang === "id" ? "." : ",";
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  }

  function showing(container, meta) {
    if (!meta || !meta.truncated) { return ""; }
    return container.dataset.showing
      .replace("{shown}", count(meta.shown_nodes))
      .replace("{total}", count(meta.total_nodes));
  }

  function safeUrl(url) {
    // Only this site's own paths (the server builds them; checked anyway).
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\";
  }

  function headers() {
    // The session's CSRF token (web.auth) rides along on every call; the
    // server requires it on anything that is not a GET.
    var meta = document.querySelector('meta[name="csrf-token"]');
    var h = {"Accept": "application/json"};
    if (meta) { h["X-CSRF-Token"] = meta.getAttribute("content"); }
    return h;
  }
  window.agHeaders = headers;

  function keyPath(key) {
    return String(key).split("/").map(encodeURIComponent).join("/");
  }

  //: Neighbours added per step: a click adds the 20 nearest, "+20 lagi" the next 20.
  var STEP = 20;

  function expand(state, id, done) {
    var node = state.nodes.get(id);
    // Unnamed people (no display consent for this user) are not expandable.
    if (!node || state.busy) { return; }
    if (node.expandable === false || state.expanded[id] === "all") { pick(state, id); return; }
    var round = (state.expanded[id] || 0) + 1;
    state.expanded[id] = round;
    state.busy = true;
    state.container.dataset.expanding = "1";
    var url = "/api/v1/graph/around/" + encodeURIComponent(node.slug) + "/" + keyPath(node.key) +
              "?depth=1&max_nodes=" + String(1 + round * (Number(state.container.dataset.step) || STEP));
    fetch(url, {headers: headers(), credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (!body.ok) { throw new Error("not ok"); }
        var origin = state.network.getPositions([id])[id] || {x: 0, y: 0};
        var fresh = body.graph.nodes.filter(function (n) { return !state.nodes.get(n.id); });
        if (!body.graph.meta || !body.graph.meta.truncated) { state.expanded[id] = "all"; }
        fresh.forEach(function (n, i) {
          // A ring around the clicked node, so the new neighbours appear next to it.
          var angle = 2 * Math.PI * i / Math.max(fresh.length, 1) + round * 0.3;
          var radius = 90 + 3 * fresh.length + 40 * (round - 1);
          n.x = origin.x + radius * Math.cos(angle);
          n.y = origin.y + radius * Math.sin(angle);
        });
        state.nodes.add(fresh.map(prepare));
        state.edges.add(body.graph.edges.filter(function (e) { return !state.edges.get(e.id); }).map(prepare));
        state.container.dataset.nodeCount = String(state.nodes.length);
        state.container.dataset.expanded = String(Object.keys(state.expanded).length);
        var more = state.expanded[id] !== "all" ? " " + (state.container.dataset.more || "") : "";
        var meta = body.graph.meta || {};
        var told = state.container.dataset.neighbours && meta.total_nodes ?
          state.container.dataset.neighbours.replace("{name}", String(node.name || node.label || ""))
            .replace("{shown}", count(Math.max((meta.shown_nodes || 1) - 1, 0)))
            .replace("{total}", count(meta.total_nodes - 1)) : showing(state.container, meta);
        status(state.container, told + more);
        pick(state, id);
        if (done) { done(); }
      })
      .catch(function () {
        state.expanded[id] = round - 1;
        status(state.container, state.container.dataset.failed);
      })
      .then(function () { state.busy = false; state.container.dataset.expanding = "0"; });
  }

  // The picked point: a real "+20 lagi" button for its next neighbours and a
  // link to its page (a phone has no double-click).
  function pick(state, id) {
    var base = state.container.id;
    var button = document.getElementById(base + "-more");
    var open = document.getElementById(base + "-open");
    var hint = document.getElementById(base + "-hint");
    var node = id ? state.nodes.get(id) : null;
    state.picked = node ? id : null;
    if (!button) { return; }
    if (hint) { hint.hidden = !!node; }
    var name = node ? String(node.name || node.label || "") : "";
    var more = node && node.expandable !== false && state.expanded[id] !== "all";
    button.disabled = !more;
    button.hidden = !node;
    button.textContent = node ? (more ? button.dataset.label : button.dataset.done).replace("{name}", name)
                              : button.textContent;
    if (open) {
      var ok = node && safeUrl(node.url);
      open.hidden = !ok;
      if (ok) {
        open.href = node.url;
        open.textContent = open.dataset.label.replace("{name}", name);
      }
    }
  }

  function highlight(state, index) {
    var paths = (state.data.meta && state.data.meta.paths) || [];
    var path = paths[index];
    if (!path) { return; }
    var onNodes = {}, onEdges = {};
    path.nodes.forEach(function (id) { onNodes[id] = true; });
    path.edges.forEach(function (id) { onEdges[id] = true; });
    state.nodes.update(state.nodes.get().map(function (n) {
      return {id: n.id, opacity: onNodes[n.id] ? 1 : 0.2, borderWidth: onNodes[n.id] ? 3 : 1};
    }));
    state.edges.update(state.edges.get().map(function (e) {
      return {id: e.id, width: onEdges[e.id] ? 5 : 1,
              color: onEdges[e.id] ? {color: "#d35400", opacity: 1} : {color: "#bbbbbb", opacity: 0.3}};
    }));
    state.container.dataset.highlightedPath = String(index);
    document.querySelectorAll(".path[data-path]").forEach(function (li) {
      li.classList.toggle("active", li.dataset.path === String(index));
    });
  }

  function draw(container, data) {
    if (data.meta && data.meta.layout === "rings" && container.clientHeight > container.clientWidth) {
      // The first view is laid out for a wide screen; on an upright phone, turn it upright.
      data.nodes.forEach(function (n) { var x = n.x; n.x = n.y; n.y = x; });
    }
    var nodes = new vis.DataSet(data.nodes.map(prepare));
    var edges = new vis.DataSet(data.edges.map(prepare));
    var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
    var state = {container: container, network: network, nodes: nodes, edges: edges,
                 data: data, expanded: {}};
    graphs[container.id] = state;
    if (data.options.physics && data.options.physics.enabled) {
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({physics: {enabled: false}});
        container.dataset.stabilized = "1";
      });
    }
    network.once("afterDrawing", function () {
      container.dataset.drawn = "1";
      if (window.agFirstDraw === undefined) { window.agFirstDraw = performance.now(); }
    });
    network.on("click", function (p) {
      if (p.nodes.length !== 1 || container.dataset.expand !== "on") { return; }
      var id = p.nodes[0];
      // The first click adds the nearest 20; the "+20 lagi" button the next ones.
      if (!state.expanded[id]) { expand(state, id); } else { pick(state, id); }
    });
    var moreButton = document.getElementById(container.id + "-more");
    if (moreButton) {
      moreButton.addEventListener("click", function () {
        if (state.picked) { expand(state, state.picked); }
      });
    }
    network.on("doubleClick", function (p) {
      if (p.nodes.length !== 1) { return; }
      var node = nodes.get(p.nodes[0]);
      if (node && safeUrl(node.url)) { window.location.assign(node.url); }
    });
    container.dataset.nodeCount = String(nodes.length);
    status(container, showing(container, data.meta));
    if (data.meta && data.meta.paths && data.meta.paths.length) { highlight(state, 0); }
    return state;
  }

  function drawFromSource(container) {
    if (container.dataset.loading === "1" || graphs[container.id]) { return; }
    container.dataset.loading = "1";
    fetch(container.dataset.src, {headers: headers(), credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (!body.ok) { throw new Error("not ok"); }
        draw(container, body.graph);
      })
      .catch(function () { status(container, container.dataset.failed); })
      .then(function () { container.dataset.loading = "0"; });
  }

  function search(input) {
    var state = graphs[input.dataset.graph];
    var q = input.value.trim().toLowerCase();
    if (!state || q.length < 2) { return; }
    var hits = state.nodes.get({filter: function (n) {
      return String(n.name || n.label || "").toLowerCase().indexOf(q) >= 0 || String(n.key).toLowerCase() === q;
    }}).map(function (n) { return n.id; });
    input.dataset.hits = String(hits.length);
    var out = document.getElementById(input.id + "-status");
    if (hits.length) {
      state.network.selectNodes(hits);
      state.network.focus(hits[0], {scale: 1.2, animation: false});
      if (out) { out.textContent = ""; }
      return;
    }
    // Not drawn yet: look in the whole graph, add the first match and its neighbours.
    var url = "/api/v1/search?limit=1&q=" + encodeURIComponent(input.value.trim());
    fetch(url, {headers: headers(), credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (body) {
        var found = body.ok && body.results && body.results[0];
        if (!found || found.redacted) {
          if (out) { out.textContent = input.dataset.none || ""; }
          input.dataset.hits = "0";
          return;
        }
        var slug = {School: "school", Program: "programme", Person: "person", Employer: "employer"}[found.type];
        var centre = state.network.getViewPosition();
        if (!state.nodes.get(found.id)) {
          state.nodes.add(prepare({id: found.id, label: found.name, name: found.name, key: found.key,
                                   slug: slug, type: found.type, x: centre.x, y: centre.y,
                                   title: found.name}));
        }
        expand(state, found.id, function () {
          state.network.selectNodes([found.id]);
          state.network.focus(found.id, {scale: 1.0, animation: false});
          input.dataset.hits = "1";
          if (out) { out.textContent = (input.dataset.added || "").replace("{name}", found.name); }
        });
      })
      .catch(function () { if (out) { out.textContent = input.dataset.none || ""; } });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-swatch]").forEach(function (el) {
      el.style.backgroundColor = el.dataset.swatch;
    });
    document.querySelectorAll(".graph-canvas").forEach(function (container) {
      if (container.dataset.src) { return; }
      var block = document.getElementById(container.id + "-data");
      var data = block ? JSON.parse(block.textContent) : null;
      if (data) { draw(container, data); }
    });
    document.querySelectorAll("details").forEach(function (details) {
      details.addEventListener("toggle", function () {
        if (!details.open) { return; }
        details.querySelectorAll(".graph-canvas[data-src]").forEach(drawFromSource);
      });
    });
    document.querySelectorAll("button.highlight").forEach(function (button) {
      button.addEventListener("click", function () {
        var state = graphs[button.dataset.graph];
        if (state) { highlight(state, Number(button.dataset.path)); }
      });
    });
    document.querySelectorAll("input[type=search][data-graph]").forEach(function (input) {
      input.addEventListener("change", function () { search(input); });
      input.addEventListener("keyup", function (ev) { if (ev.key === "Enter") { search(input); } });
    });
  });
}());
