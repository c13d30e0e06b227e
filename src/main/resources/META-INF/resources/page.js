// The policy authors' page: reads the service's own JSON API and shows it. The address carries the
// model (/?model=…&contextLength=…&gpu=…), so a decision can be shared as a link.
const $ = id => document.getElementById(id);
const esc = v => String(v ?? '').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
const table = (head, rows) => '<table><tr>' + head.map(h => `<th>${esc(h)}</th>`).join('') + '</tr>'
  + rows.map(r => '<tr>' + r.map(c => `<td>${c}</td>`).join('') + '</tr>').join('') + '</table>';
const side = s => s ? `${esc(s.gpu)} ×${s.gpuCount} · ${s.memoryUtilization} · ${s.maxModelLen}` : '<span class="bad">refused</span>';

async function json(url) {
  const r = await fetch(url, {headers: {Accept: 'application/json'}});
  const body = await r.json().catch(() => null);
  return {status: r.status, body};
}

async function showStatus() {
  const {body: s} = await json('/v1/rules');
  const a = s.active, l = s.lastAttempt;
  const errors = l && l.errors && l.errors.length
    ? '<ul>' + l.errors.map(e => `<li><code>${esc(e.file)}:${esc(e.line)}</code> ${esc(e.message)}</li>`).join('') + '</ul>' : '';
  $('status').innerHTML = (a ? table(['version', 'activated at', 'rules', 'files', 'catalog'],
      [[`<code id="version">${esc(a.version)}</code>`, esc(a.activatedAt), esc(a.ruleCount), esc(a.files.join(', ')),
        `${esc(a.models)} models, ${esc(a.gpus)} GPUs`]]) : '<p class="bad">No rule set is active.</p>')
    + (l ? `<p id="lastAttempt">Last load attempt: <strong>${esc(l.result)}</strong> (${esc(l.trigger)}, ${esc(l.durationMs)} ms, ${esc(l.at)})</p>${errors}` : '');
}

async function showChanges() {
  const {status, body} = await json('/v1/rules/changes?last=5');
  if (status !== 200 || !body.length) {
    $('changeList').innerHTML = '<p class="muted">No activation has been compared since the service started.</p>';
    return;
  }
  $('changeList').innerHTML = body.map(c => `<p><code>${esc(c.from)}</code> → <code>${esc(c.to)}</code> at ${esc(c.at)}:
      <strong class="changedCount">${c.changed.length}</strong> of ${esc(c.asked)} decisions changed</p>`
    + (c.changed.length ? table(['model', 'context', 'before', 'after'], c.changed.slice(0, 200).map(x =>
        [`<a href="/?model=${encodeURIComponent(x.model)}">${esc(x.model)}</a>`, esc(x.contextLength ?? 'default'), side(x.before), side(x.after)])) : '')
  ).join('');
}

async function showTests() {
  const {status, body} = await json('/v1/rules/tests');
  if (status !== 200) {
    $('testList').innerHTML = '<p class="muted">No rule set is active.</p>';
    return;
  }
  $('testList').innerHTML = `<p class="muted">${body.length} cases; the rules in force passed all of them when they were activated.</p>`
    + table(['file', 'model', 'context', 'pinned', 'answer'], body.map(t => [esc(t.file), esc(t.model), esc(t.contextLength ?? ''),
      esc(t.pinGpu ?? ''), t.problem ? `<span class="bad">${esc(t.problem)}</span>` : side(t.answer)]));
}

async function showFailures() {
  const {status, body} = await json('/v1/failures?limit=50');
  if (status !== 200) {
    $('failureList').innerHTML = `<p class="bad">${esc(body && body.detail)}</p>`;
    return;
  }
  $('failureList').innerHTML = !body.failures.length ? '<p class="muted">No failure has been reported.</p>'
    : `<p class="muted">The latest ${body.failures.length}, newest first. A configuration that failed ${esc(body.failuresToAvoid)} times
      within ${esc(body.windowDays)} days is avoided for that model.</p>`
      + table(['reported', 'model', 'configuration', 'error class', 'utilization', 'max_model_len', 'KV tokens', 'rules'],
        body.failures.map(f => [esc(f.reportedAt), `<a href="/?model=${encodeURIComponent(f.model)}">${esc(f.model)}</a>`,
          esc(f.gpuCount === 1 ? f.gpu : f.gpu + ':' + f.gpuCount), `<code>${esc(f.errorClass)}</code>`, esc(f.memoryUtilization),
          esc(f.maxModelLen), esc(f.kvCacheTokens ?? ''), `<code>${esc(String(f.rulesVersion).slice(0, 19))}</code>`]));
}

/** The outcomes the service remembers for one model, per configuration, as the rules see them. */
async function modelHistory(model) {
  const {status, body} = await json('/v1/failures?limit=1&model=' + encodeURIComponent(model));
  if (status !== 200 || !body.configurations || !body.configurations.length) return '<p class="muted">none reported</p>';
  return table(['configuration', 'failed', 'started', 'error classes', 'smallest KV tokens', 'avoided'],
    body.configurations.map(c => [esc(c.gpuCount === 1 ? c.gpu : c.gpu + ':' + c.gpuCount), esc(c.failures), esc(c.started),
      esc(c.errorClasses.join(', ')), esc(c.smallestKvCacheTokens ?? ''), c.avoided ? '<strong class="bad">yes</strong>' : 'no']));
}

async function decide(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  history.replaceState(null, '', '/?' + q.toString());
  $('decision').innerHTML = '<p class="muted">deciding…</p>';
  const {status, body: d} = await json('/v1/gpu-config?' + q.toString());
  if (status !== 200) {
    $('decision').innerHTML = `<p class="verdict bad" id="verdict">${esc(d && d.title)}</p><p>${esc(d && d.detail)}</p>`;
    return;
  }
  const m = d.memory, p = d.profile;
  $('decision').innerHTML = `<p class="verdict ok" id="verdict">${esc(d.model)}: <strong id="choice">${esc(d.gpu)} ×${esc(d.gpuCount)}</strong>,
      gpu_memory_utilization ${esc(d.memoryUtilization)}, max_model_len ${esc(d.engineArgs.max_model_len)}</p>
    <p class="muted">${esc(d.modalGpu)} · $${esc(d.pricePerHour)}/h · band ${esc(d.band)} · context target ${esc(d.contextTarget)} · rules ${esc(d.rulesVersion)}</p>
    <div class="grid">
      <div><h3>Memory per GPU</h3>${table(['', 'GiB'], [['GPU', m.gpuTotalGiB], ['budget (× utilization)', m.budgetGiB],
        ['weights', m.weightsGiB], ['overhead', m.overheadGiB], ['KV cache', m.kvCacheGiB]].map(r => [esc(r[0]), esc(r[1])]))}
        <p class="muted">${esc(m.maxTokensInKvCache)} tokens fit in the KV cache; ${esc(m.kvBytesPerTokenPerGpu)} bytes a token per GPU.</p></div>
      <div><h3>Model</h3>${table(['', ''], [['size', `${p.totalParamsBillions}B (${p.sizeSource})`], ['format', p.quantization],
        ['family', p.family], ['native context', p.nativeContextLength], ['KV bytes a token', p.kvBytesPerToken]].map(r => [esc(r[0]), esc(r[1])]))}</div>
      <div><h3>Rules that fired</h3><ol id="fired">${d.firedRules.map(r => `<li>${esc(r)}</li>`).join('')}</ol></div>
      <div><h3>Warnings</h3>${d.warnings.length ? '<ul>' + d.warnings.map(w => `<li><code>${esc(w.code)}</code> ${esc(w.message)}</li>`).join('') + '</ul>' : '<p class="muted">none</p>'}
        <h3>Excluded candidates</h3>${d.excluded ? '<ul id="excluded">' + d.excluded.map(e => `<li>${esc(e)}</li>`).join('') + '</ul>' : '<p class="muted">none</p>'}</div>
    </div>
    <h3>Fallbacks, in the order to try them</h3>
    ${d.fallbacks.length ? table(['GPU', 'count', 'utilization', 'max_model_len', 'tokens in KV cache'], d.fallbacks.map(f =>
      [esc(f.gpu), esc(f.gpuCount), esc(f.memoryUtilization), esc(f.engineArgs.max_model_len), esc(f.maxTokensInKvCache)])) : '<p class="muted">none</p>'}
    <h3>Engine arguments</h3><pre>${esc(JSON.stringify(d.engineArgs, null, 2))}</pre>
    <h3>Remembered outcomes of this model</h3><div id="modelHistory">${await modelHistory(d.model)}</div>`;
}

async function start() {
  const {body: gpus} = await json('/v1/gpus');
  for (const g of gpus || []) $('gpu').insertAdjacentHTML('beforeend', `<option>${esc(g.name)}</option>`);
  const q = new URLSearchParams(location.search);
  $('model').value = q.get('model') || '';
  $('contextLength').value = q.get('contextLength') || '';
  $('gpu').value = q.get('gpu') || '';
  $('ask').addEventListener('submit', e => {
    e.preventDefault();
    decide({model: $('model').value.trim(), contextLength: $('contextLength').value, gpu: $('gpu').value});
  });
  if (q.get('model')) decide({model: q.get('model'), contextLength: q.get('contextLength'), gpu: q.get('gpu')});
  await Promise.all([showStatus(), showChanges(), showFailures(), showTests()]);
}
start();
