/** Alert, LoadingSpinner, EmptyState, ErrorState. */
import { hidden, marks, str, type RemoteProps } from './shared';

export function Alert(props: RemoteProps) {
  const variant = str(props.variant) ?? 'info';
  return (
    <div
      {...marks('Alert', props)}
      role={variant === 'error' || variant === 'danger' ? 'alert' : 'status'}
      className={`hs-alert is-${variant === 'error' ? 'danger' : variant}`}
    >
      <div className="hs-alert-title">{str(props.title)}</div>
      {props.children ? <div className="hs-alert-body">{props.children}</div> : null}
    </div>
  );
}

export function LoadingSpinner(props: RemoteProps) {
  const size =
    props.size === 'xs' || props.size === 'extra-small'
      ? 'xs'
      : props.size === 'md' || props.size === 'medium'
        ? 'md'
        : 'sm';
  const label = str(props.label) ?? 'Loading';
  return (
    <div
      {...marks('LoadingSpinner', props)}
      role="status"
      className={`hs-loading${props.layout === 'centered' ? ' is-centered' : ''}`}
    >
      <span className={`hs-spinner is-${size}`} aria-hidden="true" />
      <span style={props.showLabel === true ? undefined : hidden}>{label}</span>
    </div>
  );
}

/** HubSpot draws one of its illustrations; the preview draws a neutral one (no images are downloaded). */
function Illustration({ width }: { width: number }) {
  return (
    <svg width={width} height={width * 0.75} viewBox="0 0 160 120" aria-hidden="true">
      <rect x="20" y="20" width="120" height="84" rx="8" fill="#eaf0f6" />
      <rect x="36" y="40" width="60" height="8" rx="4" fill="#cbd6e2" />
      <rect x="36" y="56" width="88" height="8" rx="4" fill="#cbd6e2" />
      <rect x="36" y="72" width="44" height="8" rx="4" fill="#cbd6e2" />
      <circle cx="124" cy="28" r="14" fill="#ff7a59" opacity="0.85" />
    </svg>
  );
}

export function EmptyState(props: RemoteProps) {
  const width = typeof props.imageWidth === 'number' ? props.imageWidth : 160;
  const horizontal = props.layout === 'horizontal';
  return (
    <div
      {...marks('EmptyState', props)}
      className={`hs-empty${horizontal ? ' is-horizontal' : ''}${props.reverseOrder === true ? ' is-reversed' : ''}${props.flush === true ? ' is-flush' : ''}`}
    >
      <Illustration width={Math.min(width, 200)} />
      <div className="hs-empty-text">
        {str(props.title) ? <h3 className="hs-empty-title">{str(props.title)}</h3> : null}
        {props.children}
      </div>
    </div>
  );
}

export function ErrorState(props: RemoteProps) {
  return (
    <div {...marks('ErrorState', props)} className="hs-empty is-error" role="alert">
      <div className="hs-error-mark" aria-hidden="true">
        !
      </div>
      <div className="hs-empty-text">
        <h3 className="hs-empty-title">{str(props.title) ?? 'Something went wrong.'}</h3>
        {props.children}
      </div>
    </div>
  );
}
