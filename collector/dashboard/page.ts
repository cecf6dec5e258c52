/**
 * The dashboard's HTML shell. It holds no data: the page script (dashboard-client.ts) fetches it
 * from `/api/*` with the bearer token and writes every value with `textContent`, so nothing a
 * beacon carries (swarm ids are free text from viewers) is ever parsed as HTML.
 */

/** The page at `/`. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>P2P Media Loader: swarm stats</title>
<link rel="stylesheet" href="/assets/uPlot.min.css">
<style>
body{font:14px system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{display:flex;flex-wrap:wrap;gap:16px;align-items:center;padding:12px 20px;background:#1d2330;color:#fff}
header h1{font-size:18px;margin:0 auto 0 0}
header label{display:flex;gap:6px;align-items:center}
header select,header input{font:inherit;padding:2px 4px}
.ranges button{font:inherit;padding:3px 10px;border:1px solid #8a94a6;background:transparent;color:#fff;cursor:pointer}
.ranges button[aria-pressed=true]{background:#fff;color:#1d2330}
main{padding:16px 20px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:16px}
.card{background:#fff;border-radius:6px;padding:10px 14px;min-width:150px;box-shadow:0 1px 2px #0002}
.card .value{font-size:22px;font-weight:600}
.card .label{color:#5b6578;font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:12px}
.chart{background:#fff;border-radius:6px;padding:8px;box-shadow:0 1px 2px #0002;min-height:260px}
.chart h2{font-size:13px;margin:0 0 4px 8px;color:#2d3648}
table{border-collapse:collapse;background:#fff;margin-top:16px;width:100%;box-shadow:0 1px 2px #0002}
th,td{padding:6px 10px;border-bottom:1px solid #e3e6eb;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal;overflow-wrap:anywhere;max-width:36em}
#status{color:#5b6578;margin:8px 0}
#token-form[hidden]{display:none}
</style>
</head>
<body>
<header>
<h1>P2P swarm stats</h1>
<div class="ranges" role="group" aria-label="Time range">
<button type="button" data-range="hour" aria-pressed="true">Last hour</button>
<button type="button" data-range="day" aria-pressed="false">Last day</button>
<button type="button" data-range="week" aria-pressed="false">Last week</button>
</div>
<label>Swarm <select id="swarm"><option value="">All swarms</option></select></label>
<label>CDN price per GB <input id="price-per-gb" type="number" min="0" step="0.001" value="0.02" size="6"></label>
</header>
<main>
<form id="token-form" hidden><label>Access token <input id="token" type="password" autocomplete="off"></label> <button type="submit">Open</button></form>
<p id="status">Loading…</p>
<section class="cards" aria-label="Totals of the range">
<div class="card"><div class="value" id="total-viewers">–</div><div class="label">viewers (peak minute)</div></div>
<div class="card"><div class="value" id="total-offload">–</div><div class="label">offload (P2P share of bytes)</div></div>
<div class="card"><div class="value" id="total-p2p">–</div><div class="label">CDN bytes saved</div></div>
<div class="card"><div class="value" id="total-http">–</div><div class="label">CDN bytes served</div></div>
<div class="card"><div class="value" id="total-cost-saved">–</div><div class="label">CDN cost saved</div></div>
<div class="card"><div class="value" id="total-stalls">–</div><div class="label">stalls per viewer-hour</div></div>
<div class="card"><div class="value" id="total-startup">–</div><div class="label">startup median</div></div>
<div class="card"><div class="value" id="total-peers">–</div><div class="label">peers per viewer</div></div>
</section>
<section class="charts">
<div class="chart"><h2>Offload, %</h2><div id="chart-offload"></div></div>
<div class="chart"><h2>Viewers</h2><div id="chart-viewers"></div></div>
<div class="chart"><h2>Bitrate, HTTP vs P2P (Mbit/s)</h2><div id="chart-bitrate"></div></div>
<div class="chart"><h2>Stalls per viewer-hour</h2><div id="chart-stalls"></div></div>
<div class="chart"><h2>Startup median, ms</h2><div id="chart-startup"></div></div>
</section>
<table id="swarm-table">
<thead><tr><th scope="col">Swarm</th><th scope="col">Peak viewers</th><th scope="col">CDN bytes saved</th><th scope="col">CDN bytes</th><th scope="col">Offload</th><th scope="col">Cost saved</th><th scope="col">Stalls / viewer-h</th><th scope="col">Startup median</th><th scope="col">Peers / viewer</th></tr></thead>
<tbody></tbody>
</table>
<table id="player-table">
<thead><tr><th scope="col">Player</th><th scope="col">Peak viewers</th><th scope="col">CDN bytes saved</th><th scope="col">CDN bytes</th><th scope="col">Offload</th><th scope="col">Cost saved</th><th scope="col">Stalls / viewer-h</th><th scope="col">Startup median</th><th scope="col">Peers / viewer</th></tr></thead>
<tbody></tbody>
</table>
</main>
<script src="/assets/uPlot.iife.min.js"></script>
<script type="module" src="/assets/dashboard.js"></script>
</body>
</html>
`;
