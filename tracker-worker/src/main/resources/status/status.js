// Polls /status/data and draws the last minutes: counters as rates between samples, gauges as they are.
"use strict";
const POLL_MILLIS = 2000;
const WIDTH = 560, HEIGHT = 220;

const charts = {};

// A series with a third element is drawn on its own scale, with its axis on the right.
function chart(id, title, series) {
  const axes = [{}, { size: 60 }];
  for (const [, stroke, scale] of series) {
    if (scale) {
      axes.push({ scale, side: 1, size: 60, stroke, grid: { show: false } });
    }
  }
  const opts = {
    title, width: WIDTH, height: HEIGHT,
    series: [{}].concat(series.map(([label, stroke, scale]) => ({ label, stroke, width: 2, scale: scale || "y" }))),
    axes,
  };
  charts[id] = new uPlot(opts, [[]].concat(series.map(() => [])), document.getElementById(id));
}

// Per-second rate of a counter between successive points (the first point has none).
function rates(times, values) {
  const out = [null];
  for (let i = 1; i < values.length; i++) {
    const seconds = (times[i] - times[i - 1]) / 1000;
    out.push(seconds > 0 ? Math.max(0, values[i] - values[i - 1]) / seconds : null);
  }
  return out;
}

function show(id, value) {
  document.getElementById(id).textContent = value;
}

function render(data) {
  const now = data.now;
  const h = data.history;
  const column = key => h[key].concat([now[key]]);
  const millis = column("time");
  const xs = millis.map(t => t / 1000);
  charts["chart-announces"].setData([xs, rates(millis, column("http_announces")), rates(millis, column("udp_announces"))]);
  charts["chart-peers"].setData([xs, column("seeders"), column("leechers"), column("torrents")]);
  charts["chart-refusals"].setData([xs, rates(millis, column("refusals"))]);
  charts["chart-sync"].setData([xs, rates(millis, column("sync_records_received")),
    rates(millis, column("sync_records_sent")), rates(millis, column("sync_lost")),
    rates(millis, column("sync_dropped"))]);

  for (const [id, key] of [["http-announces", "http_announces"], ["udp-announces", "udp_announces"],
    ["refusals", "refusals"], ["torrents", "torrents"], ["seeders", "seeders"], ["leechers", "leechers"],
    ["sync-received", "sync_records_received"], ["sync-sent", "sync_records_sent"],
    ["sync-lost", "sync_lost"], ["sync-dropped", "sync_dropped"]]) {
    show(id, now[key]);
  }
  show("siblings", now.siblings < 0 ? "standalone" : now.siblings);
  show("updated", new Date(now.time).toISOString());
  show("message", "");
  document.body.dataset.state = "ready";
}

async function poll() {
  try {
    const response = await fetch("/status/data", { cache: "no-store" });
    if (!response.ok) {
      throw new Error("status data: HTTP " + response.status);
    }
    render(await response.json());
  } catch (e) {
    show("message", e.message);
  }
}

chart("chart-announces", "Announces/s", [["HTTP", "#1f77b4"], ["UDP", "#ff7f0e"]]);
chart("chart-peers", "Peers and torrents", [["seeders", "#2ca02c"], ["leechers", "#d62728"], ["torrents", "#9467bd", "torrents"]]);
chart("chart-refusals", "Refusals/s", [["refused", "#d62728"]]);
chart("chart-sync", "Sync (records/s, datagrams/s)", [["received", "#1f77b4"], ["sent", "#ff7f0e"],
  ["lost", "#d62728"], ["dropped", "#8c564b"]]);
poll();
setInterval(poll, POLL_MILLIS);
