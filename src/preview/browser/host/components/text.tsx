/** Text, Heading, Link, Image, List, Icon. */
import type { CSSProperties, MouseEvent } from 'react';
import { OverlayTrigger, useReactions } from './overlays';
import { call, extensionEvent, marks, num, str, type RemoteProps } from './shared';

interface TextFormat {
  fontWeight?: string;
  italic?: boolean;
  lineDecoration?: string;
  textTransform?: string;
}

export function Text(props: RemoteProps) {
  const format = (
    typeof props.format === 'object' && props.format !== null ? props.format : {}
  ) as TextFormat;
  const truncate = props.truncate;
  const style: CSSProperties = {
    fontWeight: format.fontWeight === 'bold' ? 700 : format.fontWeight === 'demibold' ? 600 : undefined,
    fontStyle: format.italic === true ? 'italic' : undefined,
    textDecoration:
      format.lineDecoration === 'underline'
        ? 'underline'
        : format.lineDecoration === 'strikethrough'
          ? 'line-through'
          : undefined,
    textTransform:
      format.textTransform === 'uppercase' ||
      format.textTransform === 'lowercase' ||
      format.textTransform === 'capitalize'
        ? format.textTransform
        : undefined,
    ...(truncate
      ? { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', display: 'block' }
      : {}),
    ...(typeof truncate === 'object' && truncate !== null && 'maxWidth' in truncate
      ? { maxWidth: num((truncate as { maxWidth?: unknown }).maxWidth) }
      : {}),
  };
  const cls = props.variant === 'microcopy' ? 'hs-text is-micro' : 'hs-text';
  const Tag = props.inline === true ? 'span' : 'p';
  return (
    <Tag {...marks('Text', props)} className={cls} style={style}>
      {props.children}
    </Tag>
  );
}

export function Heading(props: RemoteProps) {
  return props.inline === true ? (
    <span {...marks('Heading', props)} className="hs-heading is-inline">
      {props.children}
    </span>
  ) : (
    <h2 {...marks('Heading', props)} className="hs-heading">
      {props.children}
    </h2>
  );
}

export function Link(props: RemoteProps) {
  const reactions = useReactions();
  const href =
    typeof props.href === 'string'
      ? props.href
      : typeof props.href === 'object' && props.href !== null
        ? str((props.href as { url?: unknown }).url)
        : undefined;
  const external =
    typeof props.href === 'object' &&
    props.href !== null &&
    (props.href as { external?: unknown }).external === true;
  const variant = str(props.variant) ?? 'primary';
  const link = (open?: () => void) => (
    <a
      {...marks('Link', props)}
      className={`hs-link is-${variant}`}
      href={href ?? '#'}
      {...(external || (href !== undefined && /^https?:/.test(href))
        ? { target: '_blank', rel: 'noopener noreferrer' }
        : {})}
      onClick={(e: MouseEvent) => {
        if (href === undefined || props.preventDefault === true || open) e.preventDefault();
        call(props.onClick, extensionEvent(e), reactions);
        open?.();
      }}
    >
      {props.children}
    </a>
  );
  return props.overlay ? <OverlayTrigger overlay={props.overlay} render={link} /> : link();
}

export function Image(props: RemoteProps) {
  const width = num(props.width);
  const height = num(props.height);
  return (
    <img
      {...marks('Image', props)}
      src={str(props.src)}
      alt={str(props.alt) ?? ''}
      width={width}
      height={height}
      style={{ maxWidth: '100%' }}
    />
  );
}

export function List(props: RemoteProps) {
  const Tag = props.variant === 'ordered' || props.variant === 'ordered-styled' ? 'ol' : 'ul';
  const unstyled =
    props.variant === 'unordered' || props.variant === 'inline' || props.variant === 'inline-divided';
  const items = Array.isArray(props.children) ? props.children : [props.children];
  return (
    <Tag
      {...marks('List', props)}
      className={`hs-list${unstyled ? ' is-unstyled' : ''}${String(props.variant).startsWith('inline') ? ' is-inline' : ''}`}
    >
      {items.map((child, i) =>
        child === null || child === undefined || child === false ? null : <li key={i}>{child}</li>,
      )}
    </Tag>
  );
}

/** A few of HubSpot's icons as text glyphs (no icon font is downloaded); other names get a neutral mark. */
const GLYPHS: Record<string, string> = {
  add: '+',
  success: '✓',
  check: '✓',
  remove: '✕',
  delete: '✕',
  close: '✕',
  warning: '⚠',
  info: 'ⓘ',
  edit: '✎',
  refresh: '↻',
  upCarat: '▲',
  downCarat: '▼',
  left: '←',
  right: '→',
  search: '⌕',
  calendar: '▦',
  date: '▦',
  star: '★',
  flag: '⚑',
  lock: '⚿',
  link: '⛓',
  user: '◉',
  contact: '◉',
  comment: '✉',
  email: '✉',
  block: '⊘',
  question: '?',
  externalLink: '↗',
  clock: '◷',
  time: '◷',
  filter: '☰',
  settings: '⚙',
  copy: '⧉',
  dragHandle: '⋮⋮',
};
export function Icon(props: RemoteProps) {
  const name = str(props.name) ?? '';
  const size =
    props.size === 'sm' || props.size === 'small'
      ? 12
      : props.size === 'lg' || props.size === 'large'
        ? 20
        : 14;
  const color =
    props.color === 'alert'
      ? '#f2545b'
      : props.color === 'warning'
        ? '#dbae60'
        : props.color === 'success'
          ? '#00bda5'
          : 'inherit';
  return (
    <span
      {...marks('Icon', props)}
      className="hs-icon"
      title={str(props.screenReaderText) ?? name}
      aria-hidden={props.screenReaderText === undefined}
      style={{ fontSize: size, color }}
    >
      {GLYPHS[name] ?? '•'}
    </span>
  );
}
