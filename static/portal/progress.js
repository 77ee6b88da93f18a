// Refreshes the background-work panel every two seconds while work is under way.
(function () {
  var panel = document.getElementById('work-progress')
  if (!panel || !window.fetch) return
  var url = panel.getAttribute('data-progress-url')
  function text (job, docs, detect) {
    if (!job) return 'not started'
    var parts = [job.status]
    if (detect) {
      parts.push((docs.done + docs.manual) + ' of ' + docs.total + ' documents')
      if (job.progress.pages_per_second) parts.push(job.progress.pages_per_second + ' pages a second')
      if (docs.manual) parts.push(docs.manual + ' for manual handling')
    } else if (job.progress.candidates !== undefined) {
      parts.push(job.progress.candidates + ' candidate documents')
    }
    if (job.error) parts.push('(' + job.error + ')')
    return parts.join(', ')
  }
  function tick () {
    fetch(url, { credentials: 'same-origin' }).then(function (r) { return r.json() }).then(function (s) {
      panel.querySelector('[data-part=gather]').textContent = 'Records search: ' + text(s.gather, s.documents, false)
      panel.querySelector('[data-part=detect]').textContent = 'Finding redactions: ' + text(s.detect, s.documents, true)
      var busy = [s.gather, s.detect].some(function (j) { return j && (j.status === 'queued' || j.status === 'running') })
      if (busy) setTimeout(tick, 2000)
    }).catch(function () { setTimeout(tick, 5000) })
  }
  tick()
})()
