/**
 * Form and the inputs, with HubSpot's event semantics: text and number inputs call onInput on every edit and
 * onChange when the value is committed (on blur, and when their form is submitted); selects, dates, checkboxes
 * and toggles commit on pick. A `value` prop makes the field controlled by the card.
 */
import {
  createContext,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type FormEvent,
  type ReactNode,
} from 'react';
import { useReactions } from './overlays';
import { bool, call, extensionEvent, marks, num, str, type RemoteProps } from './shared';

interface FormCtx {
  register(commit: () => void): () => void;
}
const FormContext = createContext<FormCtx | null>(null);

export function Form(props: RemoteProps) {
  const reactions = useReactions();
  const commits = useRef(new Set<() => void>());
  const ctx = useRef<FormCtx>({
    register(commit) {
      commits.current.add(commit);
      return () => commits.current.delete(commit);
    },
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    // The page never navigates: the card decides what a submit does.
    e.preventDefault();
    for (const commit of commits.current) commit();
    const values: Record<string, string | number> = {};
    new FormData(e.currentTarget).forEach((v, k) => {
      if (typeof v === 'string') values[k] = v;
    });
    call(props.onSubmit, { ...extensionEvent(e.nativeEvent), targetValue: values }, reactions);
  };
  return (
    <FormContext.Provider value={ctx.current}>
      <form
        {...marks('Form', props)}
        className="hs-form"
        onSubmit={submit}
        autoComplete={str(props.autoComplete)}
        noValidate
      >
        {props.children}
      </form>
    </FormContext.Provider>
  );
}

function Field(props: {
  p: RemoteProps;
  id: string;
  name: string;
  children: ReactNode;
  label?: string | undefined;
}) {
  const { p } = props;
  const label = props.label ?? str(p.label);
  const invalid = p.error === true;
  const message = str(p.validationMessage);
  return (
    <div {...marks(props.name, p)} className={`hs-field${invalid ? ' is-invalid' : ''}`}>
      {label ? (
        <label htmlFor={props.id} className="hs-label">
          {label}
          {p.required === true ? (
            <span className="hs-required" aria-hidden="true">
              *
            </span>
          ) : null}
          {str(p.tooltip) ? (
            <span className="hs-tooltip" title={str(p.tooltip)}>
              ⓘ
            </span>
          ) : null}
        </label>
      ) : null}
      {str(p.description) ? <div className="hs-description">{str(p.description)}</div> : null}
      {props.children}
      {message ? <div className={invalid ? 'hs-validation is-error' : 'hs-validation'}>{message}</div> : null}
    </div>
  );
}

/** Text kept locally while typing; follows the card's `value` whenever the card changes it. */
function useText(
  p: RemoteProps,
  fromValue: (v: unknown) => string,
): [string, (v: string) => void, React.MutableRefObject<string>] {
  const initial = p.value !== undefined ? fromValue(p.value) : fromValue(p.defaultValue);
  const [text, setText] = useState(initial);
  const committed = useRef(initial);
  useEffect(() => {
    if (p.value !== undefined) {
      const next = fromValue(p.value);
      setText(next);
      committed.current = next;
    }
  }, [p.value]);
  return [text, setText, committed];
}

function useCommitOnSubmit(commit: () => void) {
  const form = useContext(FormContext);
  const latest = useRef(commit);
  latest.current = commit;
  useEffect(() => form?.register(() => latest.current()), [form]);
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function TextLike(props: RemoteProps & { kind: 'Input' | 'TextArea' | 'Textarea' | 'SearchInput' }) {
  const id = useId();
  const [text, setText, committed] = useText(props, asText);
  const commit = () => {
    if (text !== committed.current) {
      committed.current = text;
      call(props.onChange, text);
    }
  };
  useCommitOnSubmit(commit);
  const common = {
    id,
    name: str(props.name),
    value: text,
    placeholder: str(props.placeholder),
    readOnly: bool(props.readOnly),
    required: bool(props.required),
    'aria-invalid': props.error === true,
    onChange: (e: { target: { value: string } }) => {
      setText(e.target.value);
      call(props.onInput, e.target.value);
    },
    onBlur: () => {
      commit();
      call(props.onBlur, text);
    },
    onFocus: () => call(props.onFocus, text),
  };
  const multiline = props.kind === 'TextArea' || props.kind === 'Textarea';
  return (
    <Field p={props} id={id} name={props.kind}>
      {multiline ? (
        <textarea
          {...common}
          className="hs-input"
          rows={num(props.rows) ?? 3}
          cols={num(props.cols)}
          maxLength={num(props.maxLength)}
          style={{ resize: (str(props.resize) ?? 'vertical') as 'vertical' }}
        />
      ) : (
        <input
          {...common}
          className="hs-input"
          type={props.type === 'password' ? 'password' : props.kind === 'SearchInput' ? 'search' : 'text'}
        />
      )}
    </Field>
  );
}
export const Input = (props: RemoteProps) => <TextLike {...props} kind="Input" />;
export const TextArea = (props: RemoteProps) => <TextLike {...props} kind="TextArea" />;
export const Textarea = (props: RemoteProps) => <TextLike {...props} kind="Textarea" />;
export const SearchInput = (props: RemoteProps) => <TextLike {...props} kind="SearchInput" />;

function NumberLike(props: RemoteProps & { kind: string; prefix?: string | undefined; stepper?: boolean }) {
  const id = useId();
  const [text, setText, committed] = useText(props, (v) => (typeof v === 'number' ? String(v) : ''));
  const commit = (value = text) => {
    if (value === committed.current) return;
    committed.current = value;
    const n = Number(value);
    if (value.trim() !== '' && Number.isFinite(n)) call(props.onChange, n);
  };
  useCommitOnSubmit(() => commit());
  const step = num(props.stepSize) ?? 1;
  const bump = (d: number) => {
    const next = String((Number(text) || 0) + d);
    setText(next);
    commit(next);
  };
  return (
    <Field p={props} id={id} name={props.kind}>
      <div className="hs-input-group">
        {props.prefix ? <span className="hs-input-affix">{props.prefix}</span> : null}
        <input
          id={id}
          className="hs-input"
          inputMode="decimal"
          name={str(props.name)}
          value={text}
          placeholder={str(props.placeholder)}
          readOnly={bool(props.readOnly)}
          aria-invalid={props.error === true}
          style={{ textAlign: props.textAlign === 'right' ? 'right' : 'left' }}
          onChange={(e) => {
            setText(e.target.value);
            const n = Number(e.target.value);
            if (Number.isFinite(n)) call(props.onInput, n);
          }}
          onBlur={() => {
            commit();
            call(props.onBlur, Number(text));
          }}
        />
        {props.stepper ? (
          <>
            <button type="button" className="hs-stepper" aria-label="Decrease" onClick={() => bump(-step)}>
              −
            </button>
            <button type="button" className="hs-stepper" aria-label="Increase" onClick={() => bump(step)}>
              +
            </button>
          </>
        ) : null}
      </div>
    </Field>
  );
}
export const NumberInput = (props: RemoteProps) => <NumberLike {...props} kind="NumberInput" />;
export const CurrencyInput = (props: RemoteProps) => (
  <NumberLike {...props} kind="CurrencyInput" prefix={str(props.currency) ?? 'USD'} />
);
export const StepperInput = (props: RemoteProps) => <NumberLike {...props} kind="StepperInput" stepper />;

interface BaseDate {
  year: number;
  month: number;
  date: number;
}
const pad = (n: number) => String(n).padStart(2, '0');
const isoOf = (v: unknown): string => {
  if (typeof v !== 'object' || v === null) return '';
  const d = v as Partial<BaseDate>;
  return typeof d.year === 'number' && typeof d.month === 'number' && typeof d.date === 'number'
    ? `${d.year}-${pad(d.month + 1)}-${pad(d.date)}`
    : '';
};

export function DateInput(props: RemoteProps) {
  const id = useId();
  const [text, setText, committed] = useText(props, isoOf);
  const commit = (value: string) => {
    if (value === committed.current) return;
    committed.current = value;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) {
      call(props.onChange, null);
      return;
    }
    const payload = { year: Number(m[1]), month: Number(m[2]) - 1, date: Number(m[3]), formattedDate: value };
    call(props.onChange, payload);
  };
  return (
    <Field p={props} id={id} name="DateInput">
      <input
        id={id}
        type="date"
        className="hs-input"
        name={str(props.name)}
        value={text}
        min={isoOf(props.min) || undefined}
        max={isoOf(props.max) || undefined}
        readOnly={bool(props.readOnly)}
        aria-invalid={props.error === true}
        onChange={(e) => {
          setText(e.target.value);
          commit(e.target.value);
        }}
        onBlur={() => call(props.onBlur, text)}
      />
    </Field>
  );
}

export function TimeInput(props: RemoteProps) {
  const id = useId();
  const toText = (v: unknown) => {
    if (typeof v !== 'object' || v === null) return '';
    const t = v as { hours?: number; minutes?: number };
    return typeof t.hours === 'number' && typeof t.minutes === 'number'
      ? `${pad(t.hours)}:${pad(t.minutes)}`
      : '';
  };
  const [text, setText] = useText(props, toText);
  return (
    <Field p={props} id={id} name="TimeInput">
      <input
        id={id}
        type="time"
        className="hs-input"
        name={str(props.name)}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          const [h, m] = e.target.value.split(':').map(Number);
          call(props.onChange, e.target.value === '' ? null : { hours: h, minutes: m });
        }}
      />
    </Field>
  );
}

type Option = { label: string; value: string | number | boolean };
const optionsOf = (v: unknown): Option[] => (Array.isArray(v) ? (v as Option[]) : []);

export function Select(props: RemoteProps) {
  const id = useId();
  const options = optionsOf(props.options);
  const controlled = props.value !== undefined;
  const [picked, setPicked] = useState<unknown>(props.value);
  const current = controlled ? props.value : picked;
  const index = options.findIndex((o) => o.value === current);
  return (
    <Field p={props} id={id} name="Select">
      <select
        id={id}
        className={`hs-input hs-select${props.variant === 'transparent' ? ' is-transparent' : ''}`}
        name={str(props.name)}
        value={index < 0 ? '' : String(index)}
        disabled={bool(props.readOnly)}
        aria-invalid={props.error === true}
        onChange={(e) => {
          const option = options[Number(e.target.value)];
          if (!option) return;
          setPicked(option.value);
          call(props.onChange, option.value);
        }}
      >
        <option value="" disabled>
          {str(props.placeholder) ?? 'Please choose'}
        </option>
        {options.map((o, i) => (
          <option key={i} value={String(i)}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function MultiSelect(props: RemoteProps) {
  const id = useId();
  const options = optionsOf(props.options);
  const [picked, setPicked] = useState<unknown[]>(Array.isArray(props.value) ? props.value : []);
  const current: unknown[] = Array.isArray(props.value) ? (props.value as unknown[]) : picked;
  return (
    <Field p={props} id={id} name="MultiSelect">
      <div className="hs-choice-list" id={id}>
        {options.map((o, i) => (
          <label key={i} className="hs-choice">
            <input
              type="checkbox"
              checked={current.includes(o.value)}
              onChange={(e) => {
                const next = e.target.checked ? [...current, o.value] : current.filter((v) => v !== o.value);
                setPicked(next);
                call(props.onChange, next);
              }}
            />
            {o.label}
          </label>
        ))}
      </div>
    </Field>
  );
}

function Check(props: RemoteProps & { kind: 'Checkbox' | 'RadioButton' }) {
  const [checked, setChecked] = useState(props.checked === true || props.initialIsChecked === true);
  const current = typeof props.checked === 'boolean' ? props.checked : checked;
  return (
    <label {...marks(props.kind, props)} className={`hs-choice${props.inline === true ? ' is-inline' : ''}`}>
      <input
        type={props.kind === 'Checkbox' ? 'checkbox' : 'radio'}
        name={str(props.name)}
        value={str(props.value)}
        checked={current}
        aria-label={str(props['aria-label'])}
        disabled={bool(props.readOnly) || bool(props.readonly)}
        onChange={(e) => {
          setChecked(e.target.checked);
          call(props.onChange, e.target.checked, str(props.value) ?? '');
        }}
      />
      <span>
        {props.children}
        {str(props.description) ? <span className="hs-description">{str(props.description)}</span> : null}
      </span>
    </label>
  );
}
export const Checkbox = (props: RemoteProps) => <Check {...props} kind="Checkbox" />;
export const RadioButton = (props: RemoteProps) => <Check {...props} kind="RadioButton" />;

export function ToggleGroup(props: RemoteProps) {
  const id = useId();
  const options = optionsOf(props.options) as unknown as {
    label: string;
    value: string;
    description?: string;
  }[];
  const radio = props.toggleType === 'radioButtonList';
  const [value, setValue] = useState<string[]>(
    Array.isArray(props.value)
      ? (props.value as string[])
      : typeof props.value === 'string'
        ? [props.value]
        : [],
  );
  const current =
    props.value === undefined
      ? value
      : Array.isArray(props.value)
        ? (props.value as string[])
        : typeof props.value === 'string'
          ? [props.value]
          : [];
  return (
    <Field p={props} id={id} name="ToggleGroup">
      <div
        className={`hs-choice-list${props.inline === true ? ' is-inline' : ''}`}
        id={id}
        role={radio ? 'radiogroup' : 'group'}
      >
        {options.map((o) => (
          <label key={o.value} className="hs-choice">
            <input
              type={radio ? 'radio' : 'checkbox'}
              name={str(props.name)}
              value={o.value}
              checked={current.includes(o.value)}
              onChange={(e) => {
                const next = radio
                  ? [o.value]
                  : e.target.checked
                    ? [...current, o.value]
                    : current.filter((v) => v !== o.value);
                setValue(next);
                call(props.onChange, radio ? o.value : next);
              }}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
    </Field>
  );
}

export function Toggle(props: RemoteProps) {
  const id = useId();
  const [checked, setChecked] = useState(props.checked === true || props.initialIsChecked === true);
  const current = typeof props.checked === 'boolean' ? props.checked : checked;
  const label = str(props.label) ?? '';
  const display = str(props.labelDisplay) ?? 'inline';
  return (
    <div {...marks('Toggle', props)} className={`hs-toggle-field is-label-${display}`}>
      {display === 'top' ? (
        <label htmlFor={id} className="hs-label">
          {label}
        </label>
      ) : null}
      <button
        id={id}
        type="button"
        role="switch"
        aria-checked={current}
        aria-label={label}
        className={`hs-toggle${current ? ' is-on' : ''}`}
        disabled={bool(props.readOnly) || bool(props.readonly)}
        onClick={() => {
          setChecked(!current);
          call(props.onChange, !current);
        }}
      >
        <span className="hs-toggle-knob" />
        {str(props.textChecked) || str(props.textUnchecked) ? (
          <span className="hs-toggle-text">
            {current ? str(props.textChecked) : str(props.textUnchecked)}
          </span>
        ) : null}
      </button>
      {display === 'inline' ? <label htmlFor={id}>{label}</label> : null}
    </div>
  );
}
