// Form values read in the units the form shows, checked against the server's own bounds before
// anything is sent: a refused value should name the field and its unit here, not come back as a
// 400 about milliseconds the user never typed.
export class InputError extends Error {
  constructor(input, message) {
    super(message);
    this.input = input;
  }
}

/** What a number field accepts, in words: "0 or more seconds, at most 3155760000". */
function accepts({ min, above, max, unit, integer }) {
  const low = above !== undefined ? `more than ${above}` : `${min} or more`;
  return [`${low}${unit ? ` ${unit}` : ''}`, max !== undefined && `at most ${max}`, integer && 'a whole number'].filter(Boolean).join(', ');
}

/**
 * The field's number, or undefined when it is empty and optional. `rule`: { label, unit, min | above,
 * max, integer, required }. Throws InputError naming the field when the value is out of bounds.
 */
export function readNumber(input, rule) {
  const text = input.value.trim();
  const fail = () => {
    throw new InputError(input, `${rule.label}: ${accepts(rule)}`);
  };
  // A number input holds '' for anything it cannot parse, so "abc" lands here too.
  if (text === '' || input.validity?.badInput) return rule.required ? fail() : undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) fail();
  if (rule.min !== undefined && value < rule.min) fail();
  if (rule.above !== undefined && value <= rule.above) fail();
  if (rule.max !== undefined && value > rule.max) fail();
  if (rule.integer && !Number.isInteger(value)) fail();
  return value;
}

/** A trimmed text field, or undefined when empty; `required` makes empty an error. */
export function readText(input, { label, required = false, pattern, hint }) {
  const text = input.value.trim();
  if (text === '') {
    if (required) throw new InputError(input, `${label}: required`);
    return undefined;
  }
  if (pattern && !pattern.test(text)) throw new InputError(input, `${label}: ${hint}`);
  return text;
}

/** A JSON textarea, or undefined when empty. `object`: only a JSON object will do. */
export function readJson(input, { label, object = false }) {
  const text = input.value.trim();
  if (text === '') return undefined;
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(input, `${label}: not JSON (${err.message})`);
  }
  if (object && (value === null || typeof value !== 'object' || Array.isArray(value))) throw new InputError(input, `${label}: a JSON object, e.g. {"instance_id": "…"}`);
  return value;
}

/** Marks the field the message is about, until it is edited. */
export function flag(err) {
  const input = err.input;
  if (!input) return;
  input.setAttribute('aria-invalid', 'true');
  input.focus();
  input.addEventListener('input', () => input.removeAttribute('aria-invalid'), { once: true });
}
