/** Button, LoadingButton, ButtonRow, Dropdown (+ DropdownButtonItem), Tag, StatusTag. */
import { useState, type MouseEvent } from 'react';
import { OverlayTrigger, useReactions } from './overlays';
import { call, extensionEvent, marks, str, type RemoteProps } from './shared';

const SIZE: Record<string, string> = {
  xs: 'xs',
  'extra-small': 'xs',
  sm: 'sm',
  small: 'sm',
  md: 'md',
  medium: 'md',
};

function ButtonBase(props: RemoteProps & { name: string; loading?: boolean }) {
  const reactions = useReactions();
  const variant = str(props.variant) ?? 'secondary';
  const size = SIZE[str(props.size) ?? 'md'] ?? 'md';
  const href =
    typeof props.href === 'string'
      ? props.href
      : typeof props.href === 'object' && props.href !== null
        ? str((props.href as { url?: unknown }).url)
        : undefined;
  const type = props.type === 'submit' || props.type === 'reset' ? props.type : 'button';
  const button = (open?: () => void) => (
    <button
      {...marks(props.name, props)}
      type={type}
      className={`hs-button is-${variant} is-${size}${props.truncate === true ? ' is-truncated' : ''}`}
      disabled={props.disabled === true || props.loading === true}
      aria-busy={props.loading === true}
      onClick={(e: MouseEvent) => {
        call(props.onClick, extensionEvent(e), reactions);
        if (href !== undefined) window.open(href, '_blank', 'noopener');
        open?.();
      }}
    >
      {props.loading === true ? <span className="hs-spinner is-xs is-inverse" aria-hidden="true" /> : null}
      {props.children}
    </button>
  );
  return props.overlay ? <OverlayTrigger overlay={props.overlay} render={button} /> : button();
}

export const Button = (props: RemoteProps) => <ButtonBase {...props} name="Button" />;
export const LoadingButton = (props: RemoteProps) => (
  <ButtonBase {...props} name="LoadingButton" loading={props.loading === true} />
);

export function ButtonRow(props: RemoteProps) {
  return (
    <div {...marks('ButtonRow', props)} className="hs-button-row">
      {props.children}
    </div>
  );
}

export function Dropdown(props: RemoteProps) {
  const [open, setOpen] = useState(false);
  const variant = str(props.variant) ?? 'secondary';
  return (
    <div
      {...marks('Dropdown', props)}
      className="hs-dropdown"
      onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setOpen(false)}
    >
      <button
        type="button"
        className={`hs-button is-${variant === 'transparent' ? 'transparent' : variant} is-${SIZE[str(props.buttonSize) ?? 'md'] ?? 'md'}`}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        {str(props.buttonText) ?? 'More'} ▾
      </button>
      {open ? (
        <div className="hs-dropdown-menu" role="menu" onClick={() => setOpen(false)}>
          {props.children}
        </div>
      ) : null}
    </div>
  );
}

export function DropdownButtonItem(props: RemoteProps) {
  const reactions = useReactions();
  const item = (open?: () => void) => (
    <button
      {...marks('DropdownButtonItem', props)}
      type="button"
      role="menuitem"
      className="hs-dropdown-item"
      onClick={(e) => {
        call(props.onClick, extensionEvent(e), reactions);
        open?.();
      }}
    >
      {props.children}
    </button>
  );
  return props.overlay ? <OverlayTrigger overlay={props.overlay} render={item} /> : item();
}

export function Tag(props: RemoteProps) {
  const reactions = useReactions();
  const variant = str(props.variant) ?? 'default';
  const clickable = typeof props.onClick === 'function' || props.overlay !== undefined;
  const tag = (open?: () => void) => (
    <span
      {...marks('Tag', props)}
      className={`hs-tag is-${variant}${clickable ? ' is-clickable' : ''}`}
      {...(clickable
        ? {
            role: 'button',
            tabIndex: 0,
            onClick: (e: MouseEvent) => {
              call(props.onClick, extensionEvent(e), reactions);
              open?.();
            },
          }
        : {})}
    >
      {props.children}
    </span>
  );
  return props.overlay ? <OverlayTrigger overlay={props.overlay} render={tag} /> : tag();
}

export function StatusTag(props: RemoteProps) {
  const variant = str(props.variant) ?? 'default';
  return (
    <span
      {...marks('StatusTag', props)}
      className={`hs-status-tag is-${variant}${props.hollow === true ? ' is-hollow' : ''}`}
      onClick={() => call(props.onClick)}
    >
      <span className="hs-status-dot" aria-hidden="true" />
      {props.children}
      {props.showRemoveIcon === true ? (
        <button
          type="button"
          className="hs-status-remove"
          aria-label="Remove"
          onClick={(e) => {
            e.stopPropagation();
            call(props.onRemoveClick);
          }}
        >
          ✕
        </button>
      ) : null}
    </span>
  );
}
