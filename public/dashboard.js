// Progressive enhancement for the dashboard: every page works without this file. With it, filter
// selects apply on change and the parts marked data-refresh are re-fetched and swapped in place: as
// events arrive (server-sent, from /events) on pages marked data-live, on a timer elsewhere.
(() => {
  'use strict';
  const REFRESH_MS = 2500;
  // While live, a slow timer only keeps ages ("2 min ago") and the clock current.
  const LIVE_REFRESH_MS = 30000;
  document.documentElement.classList.add('js');

  for (const form of document.querySelectorAll('form[data-autosubmit]')) {
    for (const control of form.querySelectorAll('select, input[type=checkbox]')) {
      control.addEventListener('change', () => form.requestSubmit());
    }
    // Filters left empty stay out of the address, so it reads ?status=PAID rather than ?status=PAID&channel=&q=.
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const query = new URLSearchParams();
      for (const [name, value] of new FormData(form)) if (value !== '') query.append(name, value);
      const text = query.toString();
      location.assign(`${form.action.split('?')[0]}${text ? `?${text}` : ''}`);
    });
  }

  const regions = () => document.querySelectorAll('[data-refresh]');
  if (regions().length === 0) return;

  // Leave a region alone while the user is in it: a focused control or selected text would be lost.
  const busyWith = (region) => {
    const selection = window.getSelection();
    const selecting = selection && !selection.isCollapsed && region.contains(selection.anchorNode);
    const focused = document.activeElement && document.activeElement !== document.body && region.contains(document.activeElement);
    return selecting || focused;
  };

  const swap = (region, fresh) => {
    if (region.innerHTML === fresh.innerHTML || busyWith(region)) return;
    // <details> keep the state the user gave them.
    const open = new Map([...region.querySelectorAll('details[id]')].map((d) => [d.id, d.open]));
    region.innerHTML = fresh.innerHTML;
    for (const details of region.querySelectorAll('details[id]')) {
      if (open.has(details.id)) details.open = open.get(details.id);
    }
  };

  let stopped = false;
  let running = false;
  // An event that comes while a fetch is under way is applied by one more fetch after it.
  let again = false;
  const refresh = async () => {
    if (running) again = true;
    if (stopped || running || document.hidden) return;
    running = true;
    again = false;
    try {
      const response = await fetch(location.href, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/html' } });
      // Signed out, or the page is gone (reset): stop rather than show a login form in a table cell.
      if (!response.ok) {
        stopped = true;
        return;
      }
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const region of regions()) {
        const fresh = page.querySelector(`[data-refresh="${region.dataset.refresh}"]`);
        if (fresh) swap(region, fresh);
      }
    } catch {
      // The simulator is restarting or stopped; try again on the next tick.
    } finally {
      running = false;
      if (again) refresh();
    }
  };

  // Which events this page shows: their types, and on an order's page only that order's.
  const live = document.querySelector('[data-live]');
  const wanted = new Set(live ? live.dataset.live.split(' ') : []);
  const order = live && live.dataset.liveOrder;
  const concerns = (event) => {
    const data = JSON.parse(event.data);
    return !order || `${data.merchantId} ${data.orderId}` === order;
  };
  let timer = null;
  const poll = (ms) => {
    clearInterval(timer);
    timer = setInterval(refresh, ms);
  };
  poll(REFRESH_MS);
  if (live && 'EventSource' in window) {
    const token = new URLSearchParams(location.search).get('token');
    const source = new EventSource(`/events${token ? `?token=${encodeURIComponent(token)}` : ''}`);
    source.addEventListener('open', () => {
      document.documentElement.dataset.live = 'on';
      poll(LIVE_REFRESH_MS);
      // What happened since the page was rendered (or while the stream was broken) was not heard.
      refresh();
    });
    source.addEventListener('error', () => {
      document.documentElement.dataset.live = 'off';
      poll(REFRESH_MS);
      // Refused for good (signed out, too many live views): the timer carries on alone.
      if (source.readyState === EventSource.CLOSED) source.close();
    });
    for (const type of wanted) {
      source.addEventListener(type, (event) => {
        if (concerns(event)) refresh();
      });
    }
  }
  document.addEventListener('visibilitychange', refresh);
})();
