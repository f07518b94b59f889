// The Style Finder's page: sends the photo and/or words to POST /api/search/stream and shows what comes back.
// The reply is a stream of server-sent events: "results" (the products), "token" (pieces of the answer, shown as
// they arrive), then "done" or "error". Everything from the server is inserted as text, never as HTML.
'use strict';

(function () {
  const form = document.getElementById('search');
  const photo = document.getElementById('photo');
  const drop = document.getElementById('drop');
  const preview = document.getElementById('preview');
  const previewImg = document.getElementById('preview-img');
  const previewName = document.getElementById('preview-name');
  const clearPhoto = document.getElementById('clear-photo');
  const text = document.getElementById('text');
  const go = document.getElementById('go');
  const spinner = document.getElementById('spinner');
  const statusText = document.getElementById('status-text');
  const errorBox = document.getElementById('error');
  const answerBox = document.getElementById('answer-box');
  const answer = document.getElementById('answer');
  const results = document.getElementById('results');
  const template = document.getElementById('card-template');

  let limits = { maxUploadBytes: 20 * 1024 * 1024 };
  let chosen = null;      // the File to send
  let previewUrl = null;  // its blob: URL
  let running = null;     // the AbortController of the search in flight

  fetch('/health').then((r) => (r.ok ? r.json() : null)).then((health) => {
    if (health && health.maxUploadBytes) {
      limits = health;
    }
  }).catch(() => {});

  function megabytes(bytes) {
    if (bytes < 1024 * 1024) {
      return Math.max(1, Math.round(bytes / 1024)) + ' KB';
    }
    return (bytes / (1024 * 1024)).toFixed(1) + ' MB';
  }

  function setPhoto(file) {
    if (previewUrl) {
      URL.revokeObjectURL(previewUrl);
      previewUrl = null;
    }
    chosen = file || null;
    if (!chosen) {
      preview.hidden = true;
      previewImg.removeAttribute('src');
      previewName.textContent = '';
      return;
    }
    previewName.textContent = chosen.name + ' (' + megabytes(chosen.size) + ')';
    if (chosen.type && chosen.type.startsWith('image/')) {
      previewUrl = URL.createObjectURL(chosen);
      previewImg.src = previewUrl;
    } else {
      previewImg.removeAttribute('src');
    }
    preview.hidden = false;
  }

  photo.addEventListener('change', () => {
    setPhoto(photo.files && photo.files[0]);
    if (chosen) {
      search();
    }
  });

  clearPhoto.addEventListener('click', () => {
    photo.value = '';
    setPhoto(null);
    photo.focus();
  });

  ['dragenter', 'dragover'].forEach((name) => drop.addEventListener(name, (event) => {
    event.preventDefault();
    drop.classList.add('over');
  }));
  ['dragleave', 'drop'].forEach((name) => drop.addEventListener(name, (event) => {
    event.preventDefault();
    drop.classList.remove('over');
  }));
  drop.addEventListener('drop', (event) => {
    const file = event.dataTransfer && event.dataTransfer.files && event.dataTransfer.files[0];
    if (file) {
      setPhoto(file);
      search();
    }
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    search();
  });

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function busy(on, message) {
    spinner.hidden = !on;
    go.disabled = on;
    statusText.textContent = message || '';
    answer.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  async function search() {
    errorBox.hidden = true;
    errorBox.textContent = '';
    const words = text.value.trim();
    if (!chosen && !words) {
      showError('Add a photo or some words to search for.');
      return;
    }
    if (chosen && chosen.size > limits.maxUploadBytes) {
      showError('The photo is ' + megabytes(chosen.size) + '; the limit is ' + megabytes(limits.maxUploadBytes) + '.');
      return;
    }
    if (running) {
      running.abort();
    }
    const controller = new AbortController();
    running = controller;
    const body = new FormData();
    if (chosen) {
      body.append('photo', chosen, chosen.name || 'photo');
    }
    if (words) {
      body.append('text', words);
    }
    const maxPrice = form.elements['max.price'].value.trim();
    if (maxPrice) {
      body.append('max.price', maxPrice);
    }
    busy(true, 'Searching…');
    answer.textContent = '';
    answerBox.hidden = true;
    try {
      const response = await fetch('/api/search/stream', { method: 'POST', body: body, signal: controller.signal });
      const type = response.headers.get('Content-Type') || '';
      if (!response.ok || !type.startsWith('text/event-stream')) {
        showError(await errorMessage(response));
        return;
      }
      await readEvents(response.body, handle);
    } catch (e) {
      if (e.name !== 'AbortError') {
        showError('The Style Finder cannot be reached. Check your connection and try again.');
      }
    } finally {
      if (running === controller) {
        running = null;
        busy(false, statusText.textContent === 'Searching…' || statusText.textContent === 'Writing the answer…'
          ? '' : statusText.textContent);
      }
    }
  }

  async function errorMessage(response) {
    try {
      const json = await response.json();
      if (json && typeof json.error === 'string') {
        return json.error;
      }
    } catch (e) {
      // not JSON: fall through
    }
    if (response.status === 413) {
      return 'The photo is too large.';
    }
    if (response.status === 503) {
      return 'The Style Finder is busy; try again in a moment.';
    }
    return 'The search failed (' + response.status + ').';
  }

  // Reads server-sent events from a fetch body: blocks separated by a blank line, with "event:" and "data:" lines.
  async function readEvents(stream, onEvent) {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        const data = [];
        block.split('\n').forEach((line) => {
          if (line.startsWith('event:')) {
            name = line.slice(6).trim();
          } else if (line.startsWith('data:')) {
            data.push(line.slice(5).replace(/^ /, ''));
          }
        });
        if (data.length) {
          onEvent(name, JSON.parse(data.join('\n')));
        }
      }
    }
  }

  function handle(name, data) {
    if (name === 'results') {
      showResults(data.results);
      busy(true, 'Writing the answer…');
      answerBox.hidden = false;
    } else if (name === 'token') {
      answerBox.hidden = false;
      answer.textContent += data;
    } else if (name === 'done') {
      if (!answer.textContent && data.text) {
        answer.textContent = data.text;
      }
      statusText.textContent = data.fallback ? 'The language model could not answer; this is the offline answer.' : '';
    } else if (name === 'error') {
      showError(data.error || 'The search failed.');
    }
  }

  function formatPrice(product) {
    if (typeof product.price !== 'number') {
      return '';
    }
    try {
      if (product.currency && /^[A-Za-z]{3}$/.test(product.currency)) {
        return new Intl.NumberFormat(undefined, { style: 'currency', currency: product.currency }).format(product.price);
      }
    } catch (e) {
      // an unknown currency: fall through
    }
    return product.price.toFixed(2) + (product.currency ? ' ' + product.currency : '');
  }

  function safeLink(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  // A video hit: its best moment's keyframe, with the span, as a link that opens the video at the moment.
  function showMoment(card, product) {
    const moment = (product.moments || [])[0];
    const link = card.querySelector('.moment');
    if (!moment || typeof moment.video !== 'string' || !moment.video.startsWith('/api/videos/')) {
      link.remove();
      return;
    }
    link.href = moment.video;
    link.setAttribute('aria-label', 'Watch ' + product.name + ' at ' + moment.label + ' (opens the video)');
    const thumb = link.querySelector('img');
    if (typeof moment.thumbnail === 'string' && moment.thumbnail.startsWith('/api/videos/')) {
      thumb.src = moment.thumbnail;
      thumb.alt = 'Keyframe of ' + product.name + ' at ' + moment.label;
    } else {
      thumb.remove();
    }
    link.querySelector('.span').textContent = '▶ ' + moment.label;
    if (!product.image) {
      card.querySelector('.photo').remove();
    }
  }

  function showResults(products) {
    results.replaceChildren();
    if (!products.length) {
      statusText.textContent = 'No product matches.';
      return;
    }
    products.forEach((product) => {
      const card = template.content.firstElementChild.cloneNode(true);
      card.dataset.id = product.id;
      const img = card.querySelector('img');
      if (product.image) {
        img.src = product.image;
        img.alt = product.name;
      } else {
        img.remove();
      }
      showMoment(card, product);
      card.querySelector('.name').textContent = product.name;
      card.querySelector('.brand').textContent = product.brand || '';
      card.querySelector('.price').textContent = formatPrice(product);
      const score = 'Match score ' + Number(product.score).toFixed(3);
      card.querySelector('.score').textContent = score;
      card.querySelector('article').title = score;
      const buy = card.querySelector('.buy');
      const link = product.url && safeLink(product.url);
      if (link) {
        buy.href = link;
        buy.setAttribute('aria-label', 'Buy ' + product.name + ' (opens the shop)');
      } else {
        buy.remove();
      }
      results.appendChild(card);
    });
  }
}());
