/** A labelled text input of the admin forms (`id` ties the label to it; `unit` follows the input). */
export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  unit?: string;
  inputMode?: 'decimal' | 'numeric' | 'text';
}) {
  return (
    <div className="field">
      <label htmlFor={props.id} className="field__label">
        {props.label}
        {props.unit ? ` (${props.unit})` : ''}
      </label>
      <input
        id={props.id}
        className="field__input"
        inputMode={props.inputMode}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </div>
  );
}

/** A labelled checkbox of the admin forms. */
export function CheckField(props: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id} className="field__label">
        <input
          id={props.id}
          type="checkbox"
          checked={props.checked}
          onChange={(event) => props.onChange(event.target.checked)}
        />{' '}
        {props.label}
      </label>
    </div>
  );
}
