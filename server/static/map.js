/* tarihkg map: Leaflet (served from node_modules) drawing the Natural Earth land, coastlines and
   present-day borders from /map/base.json (no tile server), the places with coordinates and the
   movements from /map/places.json; zoom and pan; filters by period (from/to year) and kind of
   event. Data is only ever written with textContent / setAttribute, never as markup. */
(function () {
  "use strict";
  var host = document.getElementById("leaflet-map");
  if (!host || typeof L === "undefined") { return; }
  var tr = host.getAttribute("data-lang") === "tr";
  var form = document.getElementById("map-filters");
  var count = document.getElementById("map-count");

  var map = L.map(host, { zoomControl: true, attributionControl: true, minZoom: 4, maxZoom: 12,
                          zoomSnap: 0.5 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth · Leaflet");
  map.setView([40.5, 45], 6);
  host.classList.add("ready");

  function getJSON(url) {
    return fetch(url, { headers: { "Accept": "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  getJSON(host.getAttribute("data-base")).then(function (base) {
    var styles = {
      land: { stroke: false, fillColor: "#f4f1e8", fillOpacity: 1, fillRule: "evenodd" },
      coast: { color: "#5d7486", weight: 1, fill: false },
      border: { color: "#9a8f85", weight: 1, dashArray: "4 3", fill: false }
    };
    L.geoJSON(base, { interactive: false, style: function (f) { return styles[f.properties.layer]; } })
      .addTo(map).bringToBack();
  }).catch(function () { /* the markers still work without the base layer */ });

  function el(tag, text, href) {
    var node = document.createElement(tag);
    if (href) { node.setAttribute("href", href); }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function filters() {
    var data = new FormData(form);
    return { from: parseInt(data.get("from"), 10), to: parseInt(data.get("to"), 10),
             kind: data.get("kind") || "", undated: data.get("undated") === "on" };
  }

  function matches(ev, f) {
    if (ev.year === null || ev.year === undefined) { return f.undated && !f.kind; }
    if (ev.year < f.from || ev.year > f.to) { return false; }
    return !f.kind || ev.kinds.indexOf(f.kind) >= 0;
  }

  /* A list of linked items, each with its date if it has one. */
  function listOf(items) {
    var ul = el("ul");
    items.forEach(function (item) {
      var li = el("li");
      li.appendChild(el("a", item.label, item.href));
      if (item.date) { li.appendChild(el("span", " · " + item.date)); }
      ul.appendChild(li);
    });
    return ul;
  }

  function popup(p, events, units) {
    var box = el("div");
    box.appendChild(el("a", p.label, p.href)).className = "popup-title";
    if (events.length) { box.appendChild(listOf(events)); }
    if (units.length) {
      box.appendChild(el("p", tr ? "Burada bulunan birlikler:" : "Units placed here:"));
      box.appendChild(listOf(units));
    }
    return box;
  }

  var layer = L.layerGroup().addTo(map);
  var data = null;

  function draw() {
    if (!data) { return; }
    var f = filters();
    layer.clearLayers();
    var shown = 0, bounds = [];
    data.features.forEach(function (feature) {
      var p = feature.properties;
      var c = feature.geometry.coordinates;
      if (p.movement) {
        if (!matches(p, f)) { return; }
        var line = L.polyline([[c[0][1], c[0][0]], [c[1][1], c[1][0]]],
                              { color: "#c0392b", weight: 2, opacity: 0.8 });
        line.bindPopup(popup(p, [], []));
        layer.addLayer(line);
        return;
      }
      var events = p.events.filter(function (ev) { return matches(ev, f); });
      var units = f.undated && !f.kind ? p.units : [];
      if (!events.length && !units.length) { return; }
      shown += 1;
      bounds.push([c[1], c[0]]);
      var marker = L.circleMarker([c[1], c[0]], {
        radius: 4 + Math.min(events.length, 8), weight: 1.5, color: "#ffffff",
        fillColor: events.length ? "#7a2e1d" : "#2e6e4f", fillOpacity: 0.9
      });
      marker.bindTooltip(p.label);
      marker.bindPopup(popup(p, events, units));
      layer.addLayer(marker);
    });
    if (count) {
      count.textContent = shown + (tr ? " yer" : (shown === 1 ? " place" : " places"));
    }
    return bounds;
  }

  getJSON(host.getAttribute("data-places")).then(function (json) {
    data = json;
    var bounds = draw();
    if (bounds && bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 8 }); }
  });
  form.addEventListener("change", function () { draw(); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); draw(); });
}());
