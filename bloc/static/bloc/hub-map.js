/* The hub's map with Leaflet: panning, zoom and tiles over the server-drawn map.
   Progressive enhancement: without JavaScript, or when Leaflet or the map API
   fails, the SVG map and its table stay as they are. Tiles are optional
   (data-tiles=""), and when none load the areas draw on a blank background. */
(function () {
  "use strict";

  function start() {
    var box = document.getElementById("hub-map");
    if (!box || !window.L || !window.fetch || !box.dataset.geojson) {
      return;
    }
    var canvas = box.querySelector(".hub-map-canvas");
    if (!canvas) {
      return; // nothing on the map: keep the page's explanation
    }
    fetch(box.dataset.geojson, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("map API " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        draw(box, canvas, data);
      })
      .catch(function () {
        /* The server-drawn map stays. */
      });
  }

  function draw(box, canvas, data) {
    if (!data.features || !data.features.length) {
      return;
    }
    var holder = document.createElement("div");
    holder.className = "hub-map-leaflet";
    holder.setAttribute("role", "region");
    holder.setAttribute("aria-label", box.dataset.labelMap || "Map");
    canvas.parentNode.insertBefore(holder, canvas);
    var map = window.L.map(holder, { scrollWheelZoom: false, keyboard: true });
    if (box.dataset.tiles) {
      window.L.tileLayer(box.dataset.tiles, {
        maxZoom: 19,
        attribution: box.dataset.attribution || ""
      }).addTo(map);
    }
    var base = box.dataset.institutionUrl || "/institutions/SLUG/";
    var areas = window.L.geoJSON(data, {
      style: function (feature) {
        return {
          color: "#374151",
          weight: 1,
          fillColor: feature.properties.colour,
          fillOpacity: 0.75
        };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip(p.name + ": " + p.text, { sticky: true });
        layer.on("click", function () {
          window.location.href = base.replace("SLUG", encodeURIComponent(p.slug));
        });
      }
    }).addTo(map);
    if (box.dataset.councils === "1" && data.councils && data.councils.length) {
      window.L.geoJSON({ type: "FeatureCollection", features: data.councils }, {
        style: function () {
          return { color: "#b91c1c", weight: 2, dashArray: "6 3", fill: false };
        },
        interactive: false
      }).addTo(map);
    }
    map.fitBounds(areas.getBounds(), { padding: [8, 8] });
    // The same map drawn by the server: hidden, not removed (the table stays the text).
    canvas.hidden = true;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
