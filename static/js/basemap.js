/* The basemap that ships with the site (static/basemap/SOURCES.md), drawn under the places when no
   tile server is configured: the region and its departments always, the communes' outlines from
   zoom 10, and the names of communes, the most populous first, more as the map zooms in.
   SproBasemap.add(map, node) reads the files' addresses from the map node's data attributes;
   SproBasemap.background(map, node) uses a configured tile server instead when there is one. */
(function () {
  "use strict";

  // Every map of the site (this file is loaded wherever there is one) speaks French.
  if (window.L) {
    L.Control.Zoom.prototype.options.zoomInTitle = "Zoom avant";
    L.Control.Zoom.prototype.options.zoomOutTitle = "Zoom arrière";
  }

  // Minimum population whose name is shown, by zoom level; beyond the last, every commune.
  var NAMES_FROM = { 7: 60000, 8: 20000, 9: 7000, 10: 2500, 11: 800 };
  var MAX_NAMES = 180;
  var OUTLINES_FROM_ZOOM = 10;

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.ok ? response.json() : null;
    });
  }

  // The communes' outlines: one file per department (data-basemap-communes, by department code),
  // each read once per page and only when a map shows its department.
  var topologies = {};
  function communeOutlines(url) {
    if (!topologies[url]) {
      topologies[url] = getJSON(url).then(function (topology) {
        if (!topology || !window.topojson) return null;
        var name = Object.keys(topology.objects)[0];
        return window.topojson.feature(topology, topology.objects[name]);
      });
    }
    return topologies[url];
  }

  function outlineFiles(node) {
    try {
      return JSON.parse(node.dataset.basemapCommunes || "{}");
    } catch (error) {
      return {};
    }
  }

  // One commune's outline drawn over the map (the back office places a point inside it); resolves to
  // the layer, or null when the basemap has no such commune.
  function outline(map, node, code) {
    var url = outlineFiles(node)[String(code).slice(0, 2)];
    if (!url) return Promise.resolve(null);
    return communeOutlines(url).then(function (communes) {
      if (!communes) return null;
      var found = communes.features.filter(function (feature) {
        return feature.properties.code === code;
      });
      if (!found.length) return null;
      return L.geoJSON(found, {
        interactive: false,
        style: { color: "#b35c00", weight: 3, dashArray: "6 4", fillColor: "#ffbf47", fillOpacity: 0.12 },
      }).addTo(map);
    });
  }

  function add(map, node) {
    var data = node.dataset;
    if (!data.basemapRegion || !window.L) return;
    map.createPane("basemap");
    map.getPane("basemap").style.zIndex = 250;
    map.createPane("basemap-names");
    map.getPane("basemap-names").style.zIndex = 450;
    map.getPane("basemap-names").style.pointerEvents = "none";
    map.attributionControl.addAttribution(data.basemapAttribution);
    var svg = L.svg({ pane: "basemap" });

    var departments = getJSON(data.basemapDepartments);
    getJSON(data.basemapRegion).then(function (region) {
      if (!region) return;
      L.geoJSON(region, {
        pane: "basemap",
        renderer: svg,
        interactive: false,
        style: { color: "#00356e", weight: 2.5, fillColor: "#eef2f7", fillOpacity: 1 },
      }).addTo(map);
      departments.then(function (collection) {
        if (!collection) return;
        L.geoJSON(collection, {
          pane: "basemap",
          renderer: svg,
          interactive: false,
          style: { color: "#4a5568", weight: 1.5, fill: false },
        }).addTo(map);
      });
    });

    // Each department's box: the outlines of a department are read once the map shows part of it.
    var files = outlineFiles(node);
    var boxes = departments.then(function (collection) {
      var found = {};
      ((collection && collection.features) || []).forEach(function (feature) {
        found[feature.properties.code] = L.geoJSON(feature).getBounds();
      });
      return found;
    });
    var outlines = L.layerGroup();
    var requested = {};
    function showOutlines() {
      if (map.getZoom() < OUTLINES_FROM_ZOOM) {
        map.removeLayer(outlines);
        return;
      }
      outlines.addTo(map);
      boxes.then(function (found) {
        var view = map.getBounds();
        Object.keys(files).forEach(function (code) {
          if (requested[code] || !found[code] || !found[code].intersects(view)) return;
          requested[code] = true;
          communeOutlines(files[code]).then(function (communes) {
            if (!communes) return;
            L.geoJSON(communes, {
              pane: "basemap",
              renderer: svg,
              interactive: false,
              style: { color: "#9aa5b1", weight: 0.8, fill: false },
            }).addTo(outlines);
          });
        });
      });
    }

    var names = L.layerGroup().addTo(map);
    var communes = [];
    // Names never overlap: a name is left out when its box would touch one already placed (the
    // more populous commune keeps its name). The box is estimated from the name's length.
    function overlaps(placed, box) {
      for (var i = 0; i < placed.length; i++) {
        var other = placed[i];
        if (box[0] < other[2] && other[0] < box[2] && box[1] < other[3] && other[1] < box[3]) return true;
      }
      return false;
    }

    function showNames() {
      names.clearLayers();
      var zoom = map.getZoom();
      var minimum = zoom in NAMES_FROM ? NAMES_FROM[zoom] : zoom < 7 ? Infinity : 0;
      var bounds = map.getBounds().pad(0.1);
      var placed = [];
      for (var i = 0; i < communes.length && placed.length < MAX_NAMES; i++) {
        var commune = communes[i];
        if (commune[3] < minimum) break; // sorted by population, the most populous first
        if (!bounds.contains([commune[1], commune[2]])) continue;
        var at = map.latLngToLayerPoint([commune[1], commune[2]]);
        var half = commune[0].length * 3.6 + 4;
        var box = [at.x - half, at.y - 9, at.x + half, at.y + 9];
        if (overlaps(placed, box)) continue;
        placed.push(box);
        L.marker([commune[1], commune[2]], {
          pane: "basemap-names",
          interactive: false,
          keyboard: false,
          icon: L.divIcon({ className: "map-name", html: "", iconSize: null }),
        })
          .addTo(names)
          .getElement().textContent = commune[0];
      }
    }
    getJSON(data.basemapNames).then(function (payload) {
      communes = (payload && payload.communes) || [];
      showNames();
    });
    map.on("zoomend moveend", function () {
      showOutlines();
      showNames();
    });
    showOutlines();
  }

  // The background of every map of the site, once its view is set: the configured tile server
  // (data-tiles-url), else the basemap that ships with the site.
  function background(map, node, maxZoom) {
    map.attributionControl.setPrefix(false);
    if (node.dataset.tilesUrl) {
      L.tileLayer(node.dataset.tilesUrl, {
        attribution: node.dataset.tilesAttribution,
        maxZoom: maxZoom || 18,
      }).addTo(map);
    } else {
      add(map, node);
    }
  }

  window.SproBasemap = { add: add, background: background, outline: outline };
})();
