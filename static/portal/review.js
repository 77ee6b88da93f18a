// The review screen: keyboard shortcuts (j/k/a/r/e/n, +/-/0 to zoom), decisions posted without a
// reload, page images zoomed with their overlay, and rectangles drawn on a page image. Every form
// also works without this script.
(function () {
  'use strict'
  var root = document.querySelector('[data-module=review]')
  if (!root || !window.fetch) return
  var tokenMeta = document.querySelector('meta[name=csrf-token]')
  var token = tokenMeta ? tokenMeta.getAttribute('content') : ''
  var status = root.querySelector('[data-role=status]')
  var rows = Array.prototype.slice.call(root.querySelectorAll('li[data-finding]'))
  var current = -1

  function say (message) { if (status) status.textContent = message }

  // The "x of y decided" line follows each decision: the server sends the counts back.
  function showProgress (progress) {
    if (!progress || !progress.document) return
    var line = root.querySelector('[data-role=progress]')
    if (line) line.textContent = progress.document.text
    root.setAttribute('data-left', progress.document.left)
  }

  function post (url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': token },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok || !data.ok) throw new Error(data.error || 'Not saved')
        return data
      })
    })
  }

  function boxes (id) {
    return root.querySelectorAll('rect[data-finding="' + id + '"]')
  }

  function select (index) {
    if (!rows.length) return
    if (current >= 0) {
      rows[current].classList.remove('is-current')
      Array.prototype.forEach.call(boxes(rows[current].getAttribute('data-finding')), function (b) { b.classList.remove('is-current') })
    }
    current = (index + rows.length) % rows.length
    var row = rows[current]
    row.classList.add('is-current')
    var marks = boxes(row.getAttribute('data-finding'))
    Array.prototype.forEach.call(marks, function (b) { b.classList.add('is-current') })
    ;(marks[0] || row).scrollIntoView({ block: 'center', behavior: 'smooth' })
    row.focus({ preventScroll: true })
  }

  function setState (row, state) {
    ['pending', 'accepted', 'rejected'].forEach(function (s) {
      row.classList.remove('app-finding--' + s)
      Array.prototype.forEach.call(boxes(row.getAttribute('data-finding')), function (b) { b.classList.remove('app-box--' + s) })
    })
    row.classList.add('app-finding--' + state)
    Array.prototype.forEach.call(boxes(row.getAttribute('data-finding')), function (b) { b.classList.add('app-box--' + state) })
  }

  function decide (row, decision) {
    var form = row.querySelector('form')
    if (!form) return
    if (decision === 'accepted' && !form.querySelector('button[value=accepted]')) {
      say('This is the data subject\'s own data: it cannot be redacted')
      return
    }
    var exemption = form.querySelector('[data-role=exemption]')
    var version = form.querySelector('[data-role=version]')
    var note = form.querySelector('input[name=note]')
    var who = form.querySelector('[data-role=who]')
    post(form.getAttribute('action'), {
      decision: decision,
      exemption: exemption ? exemption.value : null,
      note: note ? note.value : '',
      version: version ? Number(version.value) : null,
      who: who ? who.value : null
    }).then(function (data) {
      if (version) version.value = data.version
      setState(row, decision)
      showProgress(data.progress)
      var text = row.querySelector('[data-role=state]')
      // the data subject's own mention keeps saying so: disclosed, never asked about
      if (text && !row.hasAttribute('data-own')) text.textContent = decision === 'accepted' ? 'Redact (' + data.exemption + ')' : 'Disclose'
      say(data.message)
      if (current === rows.indexOf(row) && current < rows.length - 1) select(current + 1)
    }).catch(function (error) { say(error.message) })
  }

  rows.forEach(function (row, index) {
    row.addEventListener('click', function (event) {
      if (event.target.closest('button, select, input')) return
      select(index)
    })
    var form = row.querySelector('form')
    if (!form) return
    form.addEventListener('submit', function (event) {
      var button = event.submitter
      if (!button || !button.value) return
      event.preventDefault()
      select(index)
      decide(row, button.value)
    })
  })

  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return
    var target = event.target
    if (target.closest && target.closest('input, textarea, select, [contenteditable]')) {
      if (event.key === 'Escape' && target.blur) target.blur()
      return
    }
    var row = rows[current]
    switch (event.key) {
      case 'j': select(current + 1); break
      case 'k': select(current - 1); break
      case 'a': if (row) decide(row, 'accepted'); break
      case 'r': if (row) decide(row, 'rejected'); break
      case 'e':
        if (row) {
          var exemption = row.querySelector('[data-role=exemption]')
          if (exemption) exemption.focus()
        }
        break
      case 'n':
        if (root.getAttribute('data-next-url')) window.location.assign(root.getAttribute('data-next-url'))
        else say('This is the last document')
        break
      case '+': case '=': zoomBy(1); break
      case '-': zoomBy(-1); break
      case '0': setZoom(1); break
      default: return
    }
    event.preventDefault()
  })

  // Zoom: every page image is as wide as its frame times the zoom (1 fits the width). The SVG
  // overlay covers the image whatever its size and maps PDF points through its viewBox, so the
  // boxes stay on the words and a drag still gives PDF points (getScreenCTM).
  var ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3]
  var ZOOM_KEY = 'disclose.review.zoom'
  var zoom = 1
  var toolbar = root.querySelector('[data-role=zoom]')
  var zoomLevel = toolbar && toolbar.querySelector('[data-role=zoom-level]')
  var frames = Array.prototype.slice.call(root.querySelectorAll('[data-role=page-frame]'))

  function setZoom (value) {
    zoom = Math.min(ZOOMS[ZOOMS.length - 1], Math.max(ZOOMS[0], value))
    frames.forEach(function (frame) {
      var page = frame.querySelector('.app-page')
      if (!page) return
      // keep the middle of what was in view in the middle
      var across = page.offsetWidth ? (frame.scrollLeft + frame.clientWidth / 2) / page.offsetWidth : 0.5
      page.style.width = zoom === 1 ? '' : (zoom * 100) + '%'
      frame.scrollLeft = Math.max(0, across * page.offsetWidth - frame.clientWidth / 2)
    })
    root.setAttribute('data-zoom', String(zoom))
    if (toolbar) {
      // aria-disabled, not disabled: a button pressed to its end keeps the focus
      toolbar.querySelector('[data-zoom=out]').setAttribute('aria-disabled', String(zoom <= ZOOMS[0]))
      toolbar.querySelector('[data-zoom=in]').setAttribute('aria-disabled', String(zoom >= ZOOMS[ZOOMS.length - 1]))
    }
    if (zoomLevel) zoomLevel.textContent = 'Zoom: ' + (zoom === 1 ? 'fit width' : Math.round(zoom * 100) + '% of the width')
    try { window.localStorage.setItem(ZOOM_KEY, String(zoom)) } catch (e) { /* storage off: no memory */ }
  }

  function zoomBy (step) {
    var at = ZOOMS.indexOf(zoom)
    if (at < 0) at = ZOOMS.indexOf(1)
    setZoom(ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, at + step))])
  }

  if (toolbar && frames.length) {
    toolbar.hidden = false
    toolbar.addEventListener('click', function (event) {
      var button = event.target.closest('[data-zoom]')
      if (!button) return
      var what = button.getAttribute('data-zoom')
      if (what === 'fit') setZoom(1)
      else zoomBy(what === 'in' ? 1 : -1)
    })
    var saved = null
    try { saved = Number(window.localStorage.getItem(ZOOM_KEY)) } catch (e) { saved = null }
    setZoom(saved && ZOOMS.indexOf(saved) >= 0 ? saved : 1)
  }

  // Drawing: drag on a page to make a rectangle; its corners (in PDF points, thanks to the
  // SVG viewBox) fill the page's "add a redaction" form, which then posts them.
  Array.prototype.forEach.call(root.querySelectorAll('.app-page'), function (page) {
    var svg = page.querySelector('svg')
    var section = page.closest('section')
    var form = section && section.querySelector('[data-role=manual-form]')
    if (!svg || !form) return
    var start = null
    var box = null
    function point (event) {
      var p = svg.createSVGPoint()
      p.x = event.clientX
      p.y = event.clientY
      return p.matrixTransform(svg.getScreenCTM().inverse())
    }
    svg.addEventListener('mousedown', function (event) {
      if (event.button !== 0) return // only the main button draws
      var hit = event.target.getAttribute && event.target.getAttribute('data-finding')
      if (hit) {
        var index = rows.findIndex(function (r) { return r.getAttribute('data-finding') === hit })
        if (index >= 0) select(index)
        return
      }
      // A new drag replaces the rectangle drawn before: the form only ever holds the last one,
      // so an earlier box left on the page would look added when it is not.
      if (box && box.parentNode) box.parentNode.removeChild(box)
      start = point(event)
      box = document.createElementNS('http://www.w3.org/2000/svg', 'rect')
      box.setAttribute('class', 'app-box app-box--drawing')
      svg.appendChild(box)
      event.preventDefault()
    })
    svg.addEventListener('mousemove', function (event) {
      if (!start) return
      var p = point(event)
      box.setAttribute('x', Math.min(start.x, p.x))
      box.setAttribute('y', Math.min(start.y, p.y))
      box.setAttribute('width', Math.abs(p.x - start.x))
      box.setAttribute('height', Math.abs(p.y - start.y))
    })
    window.addEventListener('mouseup', function (event) {
      if (!start) return
      var p = point(event)
      var rect = [Math.min(start.x, p.x), Math.min(start.y, p.y), Math.max(start.x, p.x), Math.max(start.y, p.y)]
      start = null
      if (rect[2] - rect[0] < 2 || rect[3] - rect[1] < 2) { svg.removeChild(box); box = null; return }
      ;['x0', 'y0', 'x1', 'y1'].forEach(function (k, i) {
        form.querySelector('[data-coord=' + k + ']').value = rect[i].toFixed(1)
      })
      var details = form.querySelector('[data-role=manual-details]')
      if (details) details.open = true
      var code = form.querySelector('[data-role=exemption]')
      if (code) code.focus()
      say('Rectangle drawn: choose the exemption and add the redaction')
    })
    form.addEventListener('submit', function (event) {
      event.preventDefault()
      var value = function (name) { var f = form.querySelector('[name=' + name + ']'); return f ? f.value : '' }
      post(form.getAttribute('action'), {
        page: Number(value('page')),
        rect: ['x0', 'y0', 'x1', 'y1'].map(function (k) { return Number(value(k)) }),
        exemption: value('exemption'),
        note: value('note')
      }).then(function () { window.location.reload() })
        .catch(function (error) { say(error.message) })
    })
  })
})()

// Selecting words in a page's text fills that page's "Redact this text" form.
;(function () {
  document.querySelectorAll('pre.app-page-text').forEach(function (pre) {
    pre.addEventListener('mouseup', function () {
      var chosen = String(window.getSelection ? window.getSelection() : '').replace(/\s+/g, ' ').trim()
      if (!chosen) return
      var form = pre.parentNode.querySelector('form[data-role=select-text]')
      if (!form) return
      var input = form.querySelector('[data-role=selected-text]')
      input.value = chosen
      input.focus()
    })
  })
})()
