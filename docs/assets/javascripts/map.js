/*
 * The paper map (map/index.md): every paper as a point on one <canvas>.
 *
 * Data: map/points.json.gz (kept gzipped, unzipped here) holds quantised coordinates ("xy", 0..grid-1), each paper's main
 * tag (its area) index ("tag", -1 for none) and the labels of regions (areas, topics), placed
 * at build time; map/titles.json, fetched only once a reader hovers, clicks or searches, holds
 * the slugs and titles in the same order. Hover hit-testing uses a uniform grid over data space,
 * so it looks at a few cells instead of every point. Zoom with the wheel, pan by dragging,
 * click a point to open its paper. Starts from Material's document$ (each page load) and
 * redraws when the palette changes. Exposes window.paperMap for tests and the console.
 *
 * Drawing: the points are painted into a layer of their own (an offscreen canvas), as small
 * squares (a circle is indistinguishable at that size, and a rectangle costs far less than an
 * arc) and only where they are on screen; the visible canvas is that layer, the hover ring and
 * the labels, so a hover repaints no point. The first paint goes in slices of POINTS_PER_SLICE
 * points, one slice a frame, so loading the page never blocks the reader for long; the canvas
 * shows the layer once complete, and `painted` resolves then.
 */
(function () {
  "use strict";

  var CELLS = 64; // hit-test grid: CELLS x CELLS buckets over the data space
  var HIT_PX = 7; // how close (in CSS pixels) the pointer must be to a point
  var TOPIC_ZOOM = 3; // from this zoom on, topic names replace area names (when papers have topics)
  var LABEL_PAD = 3; // CSS pixels kept free around a label's text
  var ZOOM_STEP = 1.6; // the zoom buttons' factor
  var POINTS_PER_SLICE = 8000; // points painted a frame while the map first appears
  var ROUND_FROM = 2.5; // dots of this radius (CSS pixels) and larger are drawn round
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
    this.layer = document.createElement("canvas"); // the points, painted apart (see draw)
    this.sliceFrame = 0;
    this.slices = 0; // frames the last sliced paint took
    this.drawnPoints = 0; // points on screen in the last complete paint of the layer
    this.painted = new Promise(function (resolve) {
      self.paintedResolve = resolve;
    });
    this.ready = fetch(new URL(root.getAttribute("data-points"), window.location.href))
      .then(gunzipped)
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        self.load(data);
        self.attach();
        self.resize(true);
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
    // The points of each colour (main tag; -1 for none), painted together under one fill style.
    var byTag = {};
    for (var t = 0; t < this.n; t++) (byTag[this.tag[t]] = byTag[this.tag[t]] || []).push(t);
    this.groups = Object.keys(byTag)
      .map(Number)
      .sort(function (a, b) {
        return a - b;
      })
      .map(function (tag) {
        return { tag: tag, items: Int32Array.from(byTag[tag]) };
      });
  };

  /* Points painted a frame while the map first appears (a property, so tests can make it small). */
  PaperMap.prototype.slicePoints = POINTS_PER_SLICE;

  PaperMap.prototype.listen = function (target, type, handler, options) {
    target.addEventListener(type, handler, options);
    this.cleanup.push(function () {
      target.removeEventListener(type, handler, options);
    });
  };

  /* The controls only a script works: the legend's tags become buttons (without scripts the
   * page shows them as text, map.css hides the bar and the canvas), and zoom buttons join the
   * bar for touch screens and keyboards. */
  PaperMap.prototype.makeControls = function () {
    Array.prototype.forEach.call(this.root.querySelectorAll(".paper-map__legend li[data-tag]"), function (item) {
      if (item.querySelector("button")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("data-tag", item.getAttribute("data-tag"));
      button.append.apply(button, Array.prototype.slice.call(item.childNodes));
      item.append(button);
    });
    var reset = this.root.querySelector(".paper-map__reset");
    if (this.root.querySelector(".paper-map__zoom")) return;
    [["+", "Zoom in"], ["\u2212", "Zoom out"]].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "paper-map__zoom md-button";
      button.textContent = spec[0];
      button.title = spec[1];
      button.setAttribute("aria-label", spec[1]);
      reset.before(button);
    });
  };

  PaperMap.prototype.attach = function () {
    var self = this;
    var canvas = this.canvas;
    var drag = null;
    var pointers = new Map(); // the pointers down on the canvas: two are a pinch
    var pinch = null; // the two pointers' distance and midpoint at the last move
    var pinched = false; // until every pointer is up: a pinch opens no paper
    var span = function () {
      var p = Array.from(pointers.values());
      return { d: Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y), x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2 };
    };
    var lift = function (event) {
      pointers.delete(event.pointerId);
      if (!pinched) return false;
      pinch = null;
      drag = null;
      if (!pointers.size) pinched = false;
      return true;
    };
    this.makeControls();
    Array.prototype.forEach.call(this.root.querySelectorAll(".paper-map__zoom"), function (button) {
      var factor = button.getAttribute("aria-label") === "Zoom in" ? ZOOM_STEP : 1 / ZOOM_STEP;
      self.listen(button, "click", function () {
        self.zoomAt(self.width / 2, self.height / 2, factor);
      });
    });
    this.listen(window, "resize", function () {
      self.resize();
    });
    this.listen(canvas, "wheel", function (event) {
      event.preventDefault();
      var rect = canvas.getBoundingClientRect();
      self.zoomAt(event.clientX - rect.left, event.clientY - rect.top, Math.exp(-event.deltaY * 0.0015));
    }, { passive: false });
    this.listen(canvas, "pointerdown", function (event) {
      pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (pointers.size === 2) {
        pinch = span();
        pinched = true;
        drag = null;
        return;
      }
      drag = { x: event.clientX, y: event.clientY, vx: self.view.x, vy: self.view.y, moved: false };
      canvas.setPointerCapture(event.pointerId);
    });
    this.listen(canvas, "pointermove", function (event) {
      var rect = canvas.getBoundingClientRect();
      if (pointers.has(event.pointerId)) pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
      if (pinch && pointers.size === 2) {
        var now = span();
        if (pinch.d > 0) self.zoomView(now.x - rect.left, now.y - rect.top, now.d / pinch.d);
        self.view.x += now.x - pinch.x;
        self.view.y += now.y - pinch.y;
        pinch = now;
        self.draw();
        return;
      }
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
    this.listen(canvas, "pointercancel", function (event) {
      if (!lift(event)) drag = null; // the browser took the touch (a scroll): no drag goes on
    });
    this.listen(canvas, "pointerup", function (event) {
      if (lift(event)) return;
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
      self.compose();
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
    this.cleanup.push(function () {
      observer.disconnect();
    });
  };

  PaperMap.prototype.destroy = function () {
    this.cancelSlices();
    this.cleanup.forEach(function (undo) {
      undo();
    });
    this.cleanup = [];
  };

  /* Sizes the canvas and the layer to the frame and repaints: in slices when `sliced`. */
  PaperMap.prototype.resize = function (sliced) {
    var ratio = window.devicePixelRatio || 1;
    var width = this.canvas.clientWidth;
    var height = this.canvas.clientHeight;
    this.canvas.width = this.layer.width = Math.round(width * ratio);
    this.canvas.height = this.layer.height = Math.round(height * ratio);
    this.ratio = ratio;
    this.width = width;
    this.height = height;
    var pad = 12;
    this.fit = Math.max(1e-6, Math.min(width - 2 * pad, height - 2 * pad) / this.grid);
    this.offsetX = (width - this.grid * this.fit) / 2;
    this.offsetY = (height - this.grid * this.fit) / 2;
    if (sliced === true) this.drawInSlices();
    else this.draw();
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
    this.zoomView(sx, sy, factor);
    this.draw();
  };

  /* The view scaled by `factor` around the screen point (sx, sy), not drawn. */
  PaperMap.prototype.zoomView = function (sx, sy, factor) {
    var v = this.view;
    var scale = Math.min(80, Math.max(0.5, v.scale * factor));
    v.x = sx - ((sx - v.x) * scale) / v.scale;
    v.y = sy - ((sy - v.y) * scale) / v.scale;
    v.scale = scale;
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
    this.compose();
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

  /* Repaints everything at once: the points' layer, then the canvas. */
  PaperMap.prototype.draw = function () {
    if (!this.xy || !this.width) return;
    this.cancelSlices();
    this.paintPoints(this.newJob(), Infinity);
    this.compose();
  };

  /* Repaints the layer a slice of points a frame and shows it when complete; for the map's
   * first paint, so no single task holds the page for long. A draw() meanwhile takes over. */
  PaperMap.prototype.drawInSlices = function () {
    if (!this.xy || !this.width) return;
    var self = this;
    var job = this.newJob();
    this.cancelSlices();
    this.slices = 0;
    function slice() {
      self.sliceFrame = 0;
      self.slices++;
      if (self.paintPoints(job, self.slicePoints)) self.compose();
      else self.sliceFrame = requestAnimationFrame(slice);
    }
    this.sliceFrame = requestAnimationFrame(slice);
  };

  PaperMap.prototype.cancelSlices = function () {
    if (this.sliceFrame) cancelAnimationFrame(this.sliceFrame);
    this.sliceFrame = 0;
  };

  /* Dots shrink as the map fills up, and grow (slowly) when zoomed in. */
  PaperMap.prototype.dotRadius = function () {
    var base = Math.max(1.3, Math.min(4.5, 0.35 * Math.sqrt((this.width * this.height) / Math.max(this.n, 1))));
    return Math.min(7, base * Math.sqrt(this.view.scale));
  };

  /* A clear layer and the passes that paint it: one a colour, and with a search or a tag chosen,
   * the dimmed points of every colour first and the highlighted ones on top. */
  PaperMap.prototype.newJob = function () {
    var self = this;
    var dimmed = this.matches !== null;
    var radius = this.dotRadius();
    var passes = [];
    (dimmed ? [0, 1] : [1]).forEach(function (hot) {
      self.groups.forEach(function (group) {
        passes.push({
          items: group.items,
          colour: group.tag >= 0 ? self.colours[group.tag] : self.untagged,
          alpha: hot ? (dimmed ? 1 : 0.8) : 0.12,
          r: hot && dimmed ? radius + 1 : radius,
          only: dimmed ? hot : -1 // paint only points whose match is this (-1: all)
        });
      });
    });
    var ctx = this.layer.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.layer.width, this.layer.height);
    this.drawnPoints = 0;
    return { passes: passes, pass: 0, k: 0, drawn: 0 };
  };

  /* Paints up to `budget` more points of `job` into the layer, skipping those off screen;
   * returns whether the job is done (and then resolves `painted`). */
  PaperMap.prototype.paintPoints = function (job, budget) {
    var ctx = this.layer.getContext("2d");
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    var v = this.view;
    var f = this.fit * v.scale;
    var ox = this.offsetX * v.scale + v.x;
    var oy = this.offsetY * v.scale + v.y;
    var xy = this.xy;
    var matches = this.matches;
    var left = budget;
    while (job.pass < job.passes.length && left > 0) {
      var pass = job.passes[job.pass];
      var r = pass.r;
      var round = r >= ROUND_FROM;
      var items = pass.items;
      var end = Math.min(items.length, job.k + left);
      ctx.fillStyle = pass.colour;
      ctx.globalAlpha = pass.alpha;
      if (round) ctx.beginPath();
      for (var k = job.k; k < end; k++) {
        var i = items[k];
        if (pass.only >= 0 && matches[i] !== pass.only) continue;
        var x = xy[2 * i] * f + ox;
        var y = xy[2 * i + 1] * f + oy;
        if (x < -r || y < -r || x > this.width + r || y > this.height + r) continue;
        if (round) {
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, 2 * Math.PI);
        } else {
          ctx.fillRect(x - r, y - r, 2 * r, 2 * r);
        }
        job.drawn++;
      }
      if (round) ctx.fill();
      left -= end - job.k;
      job.k = end;
      if (end === items.length) {
        job.pass++;
        job.k = 0;
      }
    }
    ctx.globalAlpha = 1;
    if (job.pass < job.passes.length) return false;
    this.drawnPoints = job.drawn;
    this.paintedResolve(this);
    return true;
  };

  /* The canvas: the points' layer, the hovered point's ring and the labels. */
  PaperMap.prototype.compose = function () {
    if (!this.xy || !this.width) return;
    var ctx = this.canvas.getContext("2d");
    var style = getComputedStyle(this.root);
    var fg = style.getPropertyValue("--md-default-fg-color").trim() || "#000";
    var bg = style.getPropertyValue("--md-default-bg-color").trim() || "#fff";
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.layer, 0, 0);
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    if (this.hover >= 0) {
      var h = this.toScreen(this.hover);
      ctx.beginPath();
      ctx.arc(h[0], h[1], this.dotRadius() + 4, 0, 2 * Math.PI);
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
