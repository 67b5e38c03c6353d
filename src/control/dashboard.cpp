// The live dashboard at GET /: one self-contained page that polls /v1/cluster and posts commands.
#include "dtrsim/control_api.hpp"

namespace dtrsim {

const std::string& dashboard_html() {
  static const std::string page = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>dtrsim</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
  table { border-collapse: collapse; margin-top: 1em; }
  th, td { border: 1px solid #ccc; padding: .35em .6em; text-align: left; vertical-align: top; }
  th { background: #f3f3f3; }
  .ok { background: #e6f6e6; } .bad { background: #fbe3e3; } .off { background: #eee; color: #777; }
  button { font: inherit; margin: 0 .15em; cursor: pointer; }
  code { font-size: 12px; }
  #error { color: #b00; }
</style>
</head>
<body>
<h1>dtrsim</h1>
<div>Profile <b id="profile">?</b> &middot; tolerates <b id="tolerated">?</b> failure(s)
 &middot; partitions: <span id="partitions">none</span>
 &middot; <button onclick="send({do:'heal'})">heal</button>
 <button onclick="send({do:'reset'})">reset everything</button>
 <button onclick="send({do:'join'})">join a replica</button></div>
<div id="error"></div>
<table>
 <thead><tr><th>replica</th><th>health</th><th>quorum</th>
  <th>registry</th><th>garant</th><th>rethinkdb</th><th>notary</th><th>api</th>
  <th>faults</th><th>requests/s</th><th></th></tr></thead>
 <tbody id="rows"></tbody>
</table>
<script>
const SERVICES = ['registry', 'garant', 'rethinkdb', 'notary', 'api'];
let last = {}, lastTime = 0;
function headers() {
  const h = {'Content-Type': 'application/json'};
  const t = localStorage.getItem('dtrsim-token');
  if (t) h['Authorization'] = 'Bearer ' + t;
  return h;
}
async function call(method, path, body) {
  const r = await fetch(path, {method, headers: headers(), body: body && JSON.stringify(body)});
  if (r.status === 401) {
    const t = prompt('Control token (--control-token):');
    if (t) localStorage.setItem('dtrsim-token', t);
  }
  const j = await r.json();
  if (!r.ok) throw new Error((j.path ? j.path + ': ' : '') + j.error);
  return j;
}
async function send(cmd) {
  try { await call('POST', '/v1/commands', cmd); document.getElementById('error').textContent = ''; }
  catch (e) { document.getElementById('error').textContent = e.message; }
  refresh();
}
function cell(text, cls) { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; return td; }
function button(label, cmd) { const b = document.createElement('button'); b.textContent = label; b.onclick = () => send(cmd); return b; }
async function refresh() {
  let c;
  try { c = await call('GET', '/v1/cluster'); } catch (e) { document.getElementById('error').textContent = e.message; return; }
  const now = Date.now() / 1000;
  document.getElementById('profile').textContent = c.profile;
  document.getElementById('tolerated').textContent = c.failures_tolerated;
  document.getElementById('partitions').textContent = c.partitions.length ? c.partitions.map(g => g.join(',')).join(' | ') : 'none';
  const rows = document.getElementById('rows');
  rows.innerHTML = '';
  for (const r of c.replicas) {
    const tr = document.createElement('tr');
    const name = cell(r.name + ' ', r.running ? '' : 'off');
    const code = document.createElement('code'); code.textContent = r.id; name.appendChild(code);
    tr.appendChild(name);
    tr.appendChild(cell(r.running ? String(r.health.status) + (r.health.error ? ' ' + r.health.error : '') : 'stopped',
                        !r.running ? 'off' : r.health.status === 200 ? 'ok' : 'bad'));
    tr.appendChild(cell(r.quorum.reachable + '/' + r.quorum.size, r.quorum.ok ? 'ok' : 'bad'));
    for (const s of SERVICES) {
      const st = r.services[s];
      const td = cell(st.healthy ? 'healthy ' : 'failed ', st.healthy ? 'ok' : 'bad');
      td.title = st.error || '';
      td.appendChild(st.healthy ? button('fail', {do: 'fail', replica: r.name, service: s})
                                : button('recover', {do: 'recover', replica: r.name, service: s}));
      tr.appendChild(td);
    }
    const faults = cell((r.faults || []).map(f => f.name).join(', ') || '-');
    if ((r.faults || []).length) faults.appendChild(button('clear', {do: 'clear', replica: r.name}));
    tr.appendChild(faults);
    const prev = last[r.id];
    const rate = prev && now > lastTime ? ((r.requests - prev) / (now - lastTime)).toFixed(1) : '-';
    last[r.id] = r.requests;
    tr.appendChild(cell(rate));
    const actions = cell('');
    actions.appendChild(r.running ? button('stop', {do: 'stop', replica: r.name}) : button('start', {do: 'start', replica: r.name}));
    actions.appendChild(button('remove', {do: 'remove', replica: r.name}));
    tr.appendChild(actions);
    rows.appendChild(tr);
  }
  lastTime = now;
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
)HTML";
  return page;
}

} // namespace dtrsim
