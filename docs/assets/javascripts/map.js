/*
 * The paper map (map/index.md): every paper as a point on one <canvas>.
 *
 * Data: map/points.json holds quantised coordinates ("xy", 0..grid-1), each paper's main
 * tag (its area) index ("tag", -1 for none) and the labels of regions (areas, topics), placed
 * at build time; map/titles.json, fetched only once a reader hovers, clicks or searches, holds
 * the slugs and titles in the same order. Hover hit-testing uses a uniform grid over data space,
 * so it looks at a few cells instead of every point. Zoom with the wheel, pan by dragging,
 * click a point to open its paper. Starts from Material's document$ (each page load) and
 * redraws when the palette changes. Exposes window.paperMap for tests and the console.
 */
(function () {
  "use strict";

  var CELLS = 64; // hit-test grid: CELLS x CELLS buckets over the data space
  var HIT_PX = 7; // how close (in CSS pixels) the pointer must be to a point
  var TOPIC_ZOOM = 3; // from this zoom on, topic names replace area names (when papers have topics)
  var LABEL_PAD = 3; // CSS pixels kept free around a label's text
  var current = null;

  function init() {
    if (current) {
      current.destroy();
      current = null;
    }
    var root = document.querySelector(".paper-map");
    if (!root) {
      window.paperMap = undefined;
      return;
    }
    current = new PaperMap(root);
    window.paperMap = current;
  }

  function PaperMap(root) {
    var self = this;
    this.root = root;
    this.canvas = root.querySelector("canvas");
    this.tip = root.querySelector(".paper-map__tip");
    this.search = root.querySelector(".paper-map__search");
    this.countEl = root.querySelector(".paper-map__count");
    this.base = new URL(root.getAttribute("data-root") || "../", window.location.href);
    this.view = { scale: 1, x: 0, y: 0 }; // screen = (data * fit) * scale + (x, y)
    this.hover = -1;
    this.query = "";
    this.tagFilter = null;
    this.matches = null;
    this.cleanup = [];
    this.titles = null;
    this.titlesLoading = null;
    this.ready = fetch(new URL(root.getAttribute("data-points"), window.location.href))
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        self.load(data);
        self.attach();
        self.resize();
        return self;
      });
  }

  /* Slugs and titles (map/titles.json, several times the points' size) are fetched once, when a
   * reader first hovers, clicks or searches; the promise resolves when they are in. The site
   * keeps them gzipped (titles.json.gz, generator/output/downloads.py): unzipped here, unless
   * the server already did. */
  function gunzipped(response) {
    return response.arrayBuffer().then(function (bytes) {
      var head = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength));
      if (head[0] !== 0x1f || head[1] !== 0x8b) return new Response(bytes);
      return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")));
    });
  }

  PaperMap.prototype.loadTitles = function () {
    var self = this;
    if (!this.titlesLoading) {
      this.titlesLoading = fetch(new URL(this.root.getAttribute("data-titles"), window.location.href))
        .then(gunzipped)
        .then(function (response) {
          return response.json();
        })
        .then(function (data) {
          self.slugs = data.slugs;
          self.titles = data.titles;
          self.lowerTitles = data.titles.map(function (t) {
            return t.toLowerCase();
          });
          self.index = {};
          data.slugs.forEach(function (slug, i) {
            self.index[slug] = i;
          });
          if (self.hover >= 0) self.tip.textContent = self.titles[self.hover];
          self.applySearch();
          return self;
        });
    }
    return this.titlesLoading;
  };

  PaperMap.prototype.load = function (data) {
    this.grid = data.grid;
    this.xy = Int32Array.from(data.xy);
    this.tag = Int16Array.from(data.tag);
    this.n = this.tag.length;
    this.colours = data.tags.map(function (t) {
      return t.colour;
    });
    this.untagged = data.untagged;
    this.labels = data.labels || [];
    this.hasTopics = this.labels.some(function (label) {
      return label.level === 1;
    });
    this.shownLabels = [];
    // Spatial grid: for each cell the indices of its points, as one flat array plus offsets.
    var size = this.grid / CELLS;
    var counts = new Int32Array(CELLS * CELLS + 1);
    var cellOf = new Int32Array(this.n);
    for (var i = 0; i < this.n; i++) {
      var c = Math.min(CELLS - 1, Math.floor(this.xy[2 * i] / size)) * CELLS +
        Math.min(CELLS - 1, Math.floor(this.xy[2 * i + 1] / size));
      cellOf[i] = c;
      counts[c + 1]++;
    }
    for (var k = 0; k < CELLS * CELLS; k++) counts[k + 1] += counts[k];
    var fill = counts.slice(0, CELLS * CELLS);
    var items = new Int32Array(this.n);
    for (var j = 0; j < this.n; j++) items[fill[cellOf[j]]++] = j;
    this.cellStart = counts;
    this.cellItems = items;
    this.cellSize = size;
  };

  PaperMap.prototype.listen = function (target, type, handler, options) {
    target.addEventListener(type, handler, options);
    this.cleanup.push(function () {
      target.removeEventListener(type, handler, options);
    });
  };

  PaperMap.prototype.attach = function () {
    var self = this;
    var canvas = this.canvas;
    var drag = null;
    this.listen(window, "resize", function () {
      self.resize();
    });
    this.listen(canvas, "wheel", function (event) {
      event.preventDefault();
      var rect = canvas.getBoundingClientRect();
      self.zoomAt(event.clientX - rect.left, event.clientY - rect.top, Math.exp(-event.deltaY * 0.0015));
    }, { passive: false });
    this.listen(canvas, "pointerdown", function (event) {
      drag = { x: event.clientX, y: event.clientY, vx: self.view.x, vy: self.view.y, moved: false };
      canvas.setPointerCapture(event.pointerId);
    });
    this.listen(canvas, "pointermove", function (event) {
      var rect = canvas.getBoundingClientRect();
      if (drag) {
        var dx = event.clientX - drag.x;
        var dy = event.clientY - drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 4) drag.moved = true;
        if (drag.moved) {
          self.view.x = drag.vx + dx;
          self.view.y = drag.vy + dy;
          self.draw();
          return;
        }
      }
      self.loadTitles();
      self.setHover(self.pointAt(event.clientX - rect.left, event.clientY - rect.top));
    });
    this.listen(canvas, "pointerup", function (event) {
      var wasDrag = drag && drag.moved;
      drag = null;
      if (wasDrag) return;
      var rect = canvas.getBoundingClientRect();
      var hit = self.pointAt(event.clientX - rect.left, event.clientY - rect.top);
      if (hit >= 0) {
        self.loadTitles().then(function () {
          self.open(hit);
        });
      }
    });
    this.listen(canvas, "pointerleave", function () {
      if (!drag) self.setHover(-1);
    });
    this.listen(this.search, "focus", function () {
      self.loadTitles();
    });
    this.listen(this.search, "input", function () {
      self.query = self.search.value.trim().toLowerCase();
      self.loadTitles().then(function () {
        self.applySearch();
      });
    });
    this.listen(this.root.querySelector(".paper-map__reset"), "click", function () {
      self.view = { scale: 1, x: 0, y: 0 };
      self.search.value = "";
      self.query = "";
      self.setTagFilter(null);
      self.applySearch();
    });
    Array.prototype.forEach.call(this.root.querySelectorAll(".paper-map__legend button"), function (button) {
      self.listen(button, "click", function () {
        var tag = parseInt(button.getAttribute("data-tag"), 10);
        self.setTagFilter(self.tagFilter === tag ? null : tag);
        self.applySearch();
      });
    });
    // Material switches palettes by changing data-md-color-scheme on <body>.
    var observer = new MutationObserver(function () {
      self.draw();
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
    this.cleanup.push(function () {
      observer.disconnect();
    });
  };

  PaperMap.prototype.destroy = function () {
    this.cleanup.forEach(function (undo) {
      undo();
    });
    this.cleanup = [];
  };

  PaperMap.prototype.resize = function () {
    var ratio = window.devicePixelRatio || 1;
    var width = this.canvas.clientWidth;
    var height = this.canvas.clientHeight;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.ratio = ratio;
    this.width = width;
    this.height = height;
    var pad = 12;
    this.fit = Math.max(1e-6, Math.min(width - 2 * pad, height - 2 * pad) / this.grid);
    this.offsetX = (width - this.grid * this.fit) / 2;
    this.offsetY = (height - this.grid * this.fit) / 2;
    this.draw();
  };

  /* Screen position (CSS pixels, relative to the canvas) of data point i:
   * the fitted position (offset + data * fit), scaled by the zoom, moved by the pan. */
  PaperMap.prototype.toScreen = function (i) {
    var v = this.view;
    return [
      (this.offsetX + this.xy[2 * i] * this.fit) * v.scale + v.x,
      (this.offsetY + this.xy[2 * i + 1] * this.fit) * v.scale + v.y
    ];
  };

  PaperMap.prototype.toData = function (sx, sy) {
    var v = this.view;
    return [
      ((sx - v.x) / v.scale - this.offsetX) / this.fit,
      ((sy - v.y) / v.scale - this.offsetY) / this.fit
    ];
  };

  /* Zoom by factor, keeping the data under (sx, sy) where it is. */
  PaperMap.prototype.zoomAt = function (sx, sy, factor) {
    var v = this.view;
    var scale = Math.min(80, Math.max(0.5, v.scale * factor));
    v.x = sx - ((sx - v.x) * scale) / v.scale;
    v.y = sy - ((sy - v.y) * scale) / v.scale;
    v.scale = scale;
    this.draw();
  };

  /* The nearest point within HIT_PX of (sx, sy), or -1; looks only at nearby grid cells. */
  PaperMap.prototype.pointAt = function (sx, sy) {
    if (!this.xy) return -1;
    var d = this.toData(sx, sy);
    var radius = HIT_PX / (this.fit * this.view.scale);
    var c0 = Math.max(0, Math.floor((d[0] - radius) / this.cellSize));
    var c1 = Math.min(CELLS - 1, Math.floor((d[0] + radius) / this.cellSize));
    var r0 = Math.max(0, Math.floor((d[1] - radius) / this.cellSize));
    var r1 = Math.min(CELLS - 1, Math.floor((d[1] + radius) / this.cellSize));
    var best = -1;
    var bestDist = radius * radius;
    for (var cx = c0; cx <= c1; cx++) {
      for (var cy = r0; cy <= r1; cy++) {
        var cell = cx * CELLS + cy;
        for (var k = this.cellStart[cell]; k < this.cellStart[cell + 1]; k++) {
          var i = this.cellItems[k];
          if (!this.visible(i)) continue;
          var dx = this.xy[2 * i] - d[0];
          var dy = this.xy[2 * i + 1] - d[1];
          var dist = dx * dx + dy * dy;
          if (dist <= bestDist) {
            bestDist = dist;
            best = i;
          }
        }
      }
    }
    return best;
  };

  /* With a search or a tag chosen, only matching points can be hovered and clicked. */
  PaperMap.prototype.visible = function (i) {
    return !this.matches || this.matches[i] === 1;
  };

  PaperMap.prototype.setTagFilter = function (tag) {
    this.tagFilter = tag;
    Array.prototype.forEach.call(this.root.querySelectorAll(".paper-map__legend button"), function (button) {
      var on = tag !== null && parseInt(button.getAttribute("data-tag"), 10) === tag;
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  };

  PaperMap.prototype.applySearch = function () {
    var query = this.query;
    var tag = this.tagFilter;
    if (!query && tag === null) {
      this.matches = null;
      this.countEl.textContent = "";
    } else {
      var matches = new Uint8Array(this.n);
      var count = 0;
      for (var i = 0; i < this.n; i++) {
        var ok = tag === null || this.tag[i] === tag;
        if (ok && query) ok = this.lowerTitles ? this.lowerTitles[i].indexOf(query) >= 0 : false;
        if (ok) {
          matches[i] = 1;
          count++;
        }
      }
      this.matches = matches;
      this.countEl.textContent = count + (count === 1 ? " paper" : " papers");
    }
    this.draw();
  };

  PaperMap.prototype.setHover = function (i) {
    if (i === this.hover) return;
    this.hover = i;
    this.canvas.style.cursor = i >= 0 ? "pointer" : "";
    if (i < 0) {
      this.tip.hidden = true;
    } else {
      var p = this.toScreen(i);
      this.tip.textContent = this.titles ? this.titles[i] : "…";
      this.tip.hidden = false;
      var left = Math.min(p[0] + 12, this.width - this.tip.offsetWidth - 4);
      var top = p[1] + 14 + this.tip.offsetHeight > this.height ? p[1] - 14 - this.tip.offsetHeight : p[1] + 14;
      this.tip.style.left = Math.max(4, left) + "px";
      this.tip.style.top = Math.max(4, top) + "px";
    }
    this.draw();
  };

  PaperMap.prototype.open = function (i) {
    if (!this.slugs) return;
    window.location.href = new URL("papers/" + this.slugs[i] + "/", this.base).href;
  };

  /* An area's colour (hsl, mid lightness) made darker on a light page and lighter on a dark
   * one, so its name reads against the page beside dots of the same hue. */
  function textColour(colour, dark) {
    return colour.replace(/\d+%\)$/, dark ? "75%)" : "38%)");
  }

  /* Region names: areas when zoomed out, topics (where papers have them) when zoomed in. Labels
   * come most papers first; each is drawn only if its box overlaps none already drawn. */
  PaperMap.prototype.drawLabels = function (ctx, fg, bg) {
    var level = this.hasTopics && this.view.scale >= TOPIC_ZOOM ? 1 : 0;
    var size = level === 0 ? 14 : 12;
    var boxes = [];
    var dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    ctx.font = "600 " + size + "px " + (getComputedStyle(this.root).fontFamily || "sans-serif");
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    for (var i = 0; i < this.labels.length; i++) {
      var label = this.labels[i];
      if (label.level !== level) continue;
      var v = this.view;
      var x = (this.offsetX + label.x * this.fit) * v.scale + v.x;
      var y = (this.offsetY + label.y * this.fit) * v.scale + v.y;
      var w = ctx.measureText(label.name).width + 2 * LABEL_PAD;
      var h = size + 2 * LABEL_PAD;
      var box = { name: label.name, left: x - w / 2, top: y - h / 2, right: x + w / 2, bottom: y + h / 2 };
      if (box.left < 0 || box.top < 0 || box.right > this.width || box.bottom > this.height) continue;
      if (boxes.some(function (b) {
        return box.left < b.right && b.left < box.right && box.top < b.bottom && b.top < box.bottom;
      })) continue;
      boxes.push(box);
      ctx.lineWidth = 4;
      ctx.strokeStyle = bg;
      ctx.strokeText(label.name, x, y);
      ctx.fillStyle = label.area >= 0 ? textColour(this.colours[label.area], dark) : fg;
      ctx.fillText(label.name, x, y);
    }
    this.shownLabels = boxes;
  };

  /* For tests and the console: where a paper is drawn, in page coordinates (CSS pixels). */
  PaperMap.prototype.screenPosition = function (slug) {
    var i = this.index ? this.index[slug] : undefined;
    if (i === undefined) return null;
    var rect = this.canvas.getBoundingClientRect();
    var p = this.toScreen(i);
    return { x: rect.left + p[0], y: rect.top + p[1], inside: p[0] >= 0 && p[1] >= 0 && p[0] <= this.width && p[1] <= this.height };
  };

  PaperMap.prototype.draw = function () {
    if (!this.xy || !this.width) return;
    var ctx = this.canvas.getContext("2d");
    var style = getComputedStyle(this.root);
    var fg = style.getPropertyValue("--md-default-fg-color").trim() || "#000";
    var bg = style.getPropertyValue("--md-default-bg-color").trim() || "#fff";
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    // Dots shrink as the map fills up, and grow (slowly) when zoomed in.
    var base = Math.max(1.3, Math.min(4.5, 0.35 * Math.sqrt((this.width * this.height) / Math.max(this.n, 1))));
    var radius = Math.min(7, base * Math.sqrt(this.view.scale));
    var dimmed = this.matches !== null;
    // Points of one colour are drawn in one path: a few dozen fill() calls, not one per point.
    var byColour = {};
    for (var i = 0; i < this.n; i++) {
      var hot = !dimmed || this.matches[i] === 1;
      var key = (hot ? "1" : "0") + this.tag[i];
      (byColour[key] = byColour[key] || []).push(i);
    }
    var self = this;
    var keys = Object.keys(byColour).sort(); // dimmed ("0...") first, highlighted on top
    keys.forEach(function (key) {
      var hot = key.charAt(0) === "1";
      var tag = parseInt(key.slice(1), 10);
      ctx.fillStyle = tag >= 0 ? self.colours[tag] : self.untagged;
      ctx.globalAlpha = hot ? (dimmed ? 1 : 0.8) : 0.12;
      var r = hot && dimmed ? radius + 1 : radius;
      ctx.beginPath();
      byColour[key].forEach(function (j) {
        var p = self.toScreen(j);
        if (p[0] < -r || p[1] < -r || p[0] > self.width + r || p[1] > self.height + r) return;
        ctx.moveTo(p[0] + r, p[1]);
        ctx.arc(p[0], p[1], r, 0, 2 * Math.PI);
      });
      ctx.fill();
    });
    ctx.globalAlpha = 1;
    if (this.hover >= 0) {
      var h = this.toScreen(this.hover);
      ctx.beginPath();
      ctx.arc(h[0], h[1], radius + 4, 0, 2 * Math.PI);
      ctx.lineWidth = 2;
      ctx.strokeStyle = fg;
      ctx.stroke();
    }
    this.drawLabels(ctx, fg, bg);
  };

  if (typeof document$ !== "undefined") {
    document$.subscribe(init); // Material: runs once the page is loaded
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
