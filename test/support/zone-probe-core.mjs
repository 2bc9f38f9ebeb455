// Wraps the APIs whose answers depend on the process time zone and calls `touch(what)` when one is
// used. Shared by the vitest setup file (test/support/zone-probe.ts) and by processes that tests
// spawn (test/support/zone-probe-child.mjs, loaded through NODE_OPTIONS). Installs once per realm.
const MARK = Symbol.for('ordo.zoneProbe');

/** Installs the probe (once); returns the shared state whose `touch` is called on first use. */
export function installZoneProbe(touch) {
  if (globalThis[MARK] !== undefined) return globalThis[MARK];
  const state = { touch };
  globalThis[MARK] = state;
  const hit = (what) => {
    if (process.env.ORDO_ZONE_PROBE_STACK) console.error(what, new Error().stack);
    state.touch(what);
  };
  // Milliseconds never depend on the zone; everything else a Date says in local terms may.
  const local = [
    'getFullYear', 'getMonth', 'getDate', 'getDay', 'getHours', 'getMinutes', 'getSeconds', 'getTimezoneOffset', 'getYear',
    'setFullYear', 'setMonth', 'setDate', 'setHours', 'setMinutes', 'setSeconds', 'setYear',
    'toString', 'toDateString', 'toTimeString', 'toLocaleString', 'toLocaleDateString', 'toLocaleTimeString',
  ];
  for (const name of local) {
    const original = Date.prototype[name];
    if (typeof original !== 'function') continue;
    Object.defineProperty(Date.prototype, name, {
      configurable: true,
      writable: true,
      value: function (...args) {
        hit(`Date.prototype.${name}`);
        return original.apply(this, args);
      },
    });
  }
  // Text a Date reads in the local zone: a date and time without "Z" or an offset, or any non-ISO text.
  const localText = (text) =>
    typeof text === 'string' && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(text.trim()) && !/(Z|[+-]\d{2}:?\d{2}|GMT|UTC)\s*$/i.test(text.trim());
  const OriginalDate = Date;
  const originalParse = Date.parse;
  globalThis.Date = new Proxy(OriginalDate, {
    construct(target, args, newTarget) {
      if (args.length >= 2 || localText(args[0])) hit('new Date(local)');
      return Reflect.construct(target, args, newTarget);
    },
    apply(target, thisArg, args) {
      hit('Date()');
      return Reflect.apply(target, thisArg, args);
    },
    get(target, key, receiver) {
      if (key === 'parse') {
        return (text) => {
          if (localText(text)) hit('Date.parse(local)');
          return originalParse(text);
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
  // A formatter without a zone formats in the process zone; its locale alone (luxon asks) does not depend on it.
  const watchFormatter = (formatter, options) => {
    if (options?.timeZone !== undefined) return formatter;
    for (const name of ['format', 'formatToParts', 'formatRange', 'formatRangeToParts']) {
      const original = formatter[name];
      if (typeof original !== 'function') continue;
      Object.defineProperty(formatter, name, {
        value: (...args) => {
          hit(`Intl.DateTimeFormat#${name} without timeZone`);
          return original.apply(formatter, args);
        },
      });
    }
    const resolved = formatter.resolvedOptions.bind(formatter);
    Object.defineProperty(formatter, 'resolvedOptions', {
      value: () =>
        new Proxy(resolved(), {
          get(target, key, receiver) {
            if (key === 'timeZone') hit('Intl.DateTimeFormat#resolvedOptions().timeZone');
            return Reflect.get(target, key, receiver);
          },
        }),
    });
    return formatter;
  };
  const OriginalFormat = Intl.DateTimeFormat;
  Intl.DateTimeFormat = new Proxy(OriginalFormat, {
    construct: (target, args, newTarget) => watchFormatter(Reflect.construct(target, args, newTarget), args[1]),
    apply: (target, thisArg, args) => watchFormatter(Reflect.apply(target, thisArg, args), args[1]),
  });
  return state;
}
