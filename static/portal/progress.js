// Refreshes the background-work panel every two seconds while work is under way, and the parts
// of the page that wait on a job once it has finished.
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
  function inFlight (status) { return status === 'queued' || status === 'running' }

  // Parts of the page drawn from a job's results (the scope page's candidate documents, marked
  // data-refresh-on-finish="gather") are fetched again when that job ends, and a polite status
  // message says so. What was ticked stays ticked.
  var parts = Array.prototype.slice.call(document.querySelectorAll('[data-refresh-on-finish][id]'))
  var message = document.querySelector('[data-role=refresh-message]')
  function follow (part, job) {
    var was = part.getAttribute('data-job-status')
    var now = job ? job.status : ''
    part.setAttribute('data-job-status', now)
    if (inFlight(was) && !inFlight(now)) refresh(part, job)
  }
  function refresh (part, job) {
    fetch(window.location.href, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/html' } })
      .then(function (r) {
        if (!r.ok) throw new Error('not reloaded')
        return r.text()
      })
      .then(function (html) {
        var fresh = new window.DOMParser().parseFromString(html, 'text/html').getElementById(part.id)
        if (!fresh) throw new Error('not reloaded')
        var current = document.getElementById(part.id) || part
        var ticked = Array.prototype.map.call(current.querySelectorAll('input[type=checkbox]:checked'), function (box) { return box.id })
        var hadFocus = current.contains(document.activeElement)
        fresh = document.importNode(fresh, true)
        current.parentNode.replaceChild(fresh, current)
        parts[parts.indexOf(part)] = fresh
        ticked.forEach(function (id) {
          var box = id && document.getElementById(id)
          if (box && fresh.contains(box)) box.checked = true
        })
        import('/static/govuk/govuk-frontend.min.js').then(function (govuk) { govuk.initAll({ scope: fresh }) }).catch(function () {})
        var failed = job && job.status === 'failed'
        say(fresh.getAttribute(failed ? 'data-failed-message' : 'data-finished-message'), hadFocus)
      })
      .catch(function () {
        say('The records search has ended: reload the page to see what it found.', false)
      })
  }
  function say (text, focus) {
    if (!message || !text) return
    message.textContent = text
    if (focus) message.focus()
  }

  function tick () {
    fetch(url, { credentials: 'same-origin' }).then(function (r) { return r.json() }).then(function (s) {
      panel.querySelector('[data-part=gather]').textContent = 'Records search: ' + text(s.gather, s.documents, false)
      panel.querySelector('[data-part=detect]').textContent = 'Finding redactions: ' + text(s.detect, s.documents, true)
      parts.forEach(function (part) { follow(part, s[part.getAttribute('data-refresh-on-finish')]) })
      var busy = [s.gather, s.detect].some(function (j) { return j && inFlight(j.status) })
      if (busy) setTimeout(tick, 2000)
    }).catch(function () { setTimeout(tick, 5000) })
  }
  tick()
})()
