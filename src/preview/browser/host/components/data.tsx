/** Table family, DescriptionList, ProgressBar, Statistics, StepIndicator, Tabs, Accordion. */
import { Children, isValidElement, useState, type CSSProperties } from 'react';
import { call, marks, num, str, type RemoteProps } from './shared';

const widthOf = (w: unknown): CSSProperties =>
  typeof w === 'number'
    ? { width: w }
    : w === 'min'
      ? { width: '1%', whiteSpace: 'nowrap' }
      : w === 'max'
        ? { width: '100%' }
        : {};

export function Table(props: RemoteProps) {
  const density = str(props.density) ?? 'default';
  const pages = num(props.pageCount) ?? 1;
  const page = num(props.page) ?? 1;
  return (
    <div {...marks('Table', props)} className={`hs-table-wrap${props.flush === true ? ' is-flush' : ''}`}>
      <table className={`hs-table is-${density}${props.bordered === false ? '' : ' is-bordered'}`}>
        {props.children}
      </table>
      {props.paginated === true ? (
        <nav className="hs-pagination" aria-label="Pages">
          <button type="button" disabled={page <= 1} onClick={() => call(props.onPageChange, page - 1)}>
            ‹ {props.showButtonLabels === false ? '' : 'Prev'}
          </button>
          {Array.from(
            { length: Math.min(pages, num(props.maxVisiblePageButtons) ?? 5) },
            (_, i) => i + 1,
          ).map((n) => (
            <button
              key={n}
              type="button"
              aria-current={n === page ? 'page' : undefined}
              className={n === page ? 'is-current' : ''}
              onClick={() => call(props.onPageChange, n)}
            >
              {n}
            </button>
          ))}
          <button type="button" disabled={page >= pages} onClick={() => call(props.onPageChange, page + 1)}>
            {props.showButtonLabels === false ? '' : 'Next'} ›
          </button>
        </nav>
      ) : null}
    </div>
  );
}
export const TableHead = (props: RemoteProps) => (
  <thead {...marks('TableHead', props)}>{props.children}</thead>
);
export const TableBody = (props: RemoteProps) => (
  <tbody {...marks('TableBody', props)}>{props.children}</tbody>
);
export const TableFooter = (props: RemoteProps) => (
  <tfoot {...marks('TableFooter', props)}>{props.children}</tfoot>
);
export const TableRow = (props: RemoteProps) => <tr {...marks('TableRow', props)}>{props.children}</tr>;
export function TableCell(props: RemoteProps) {
  return (
    <td
      {...marks('TableCell', props)}
      colSpan={num(props.colSpan)}
      style={{ textAlign: (str(props.align) ?? 'left') as 'left', ...widthOf(props.width) }}
    >
      {props.children}
    </td>
  );
}
const NEXT_SORT: Record<string, string> = { none: 'ascending', ascending: 'descending', descending: 'none' };
export function TableHeader(props: RemoteProps) {
  const sort = str(props.sortDirection);
  const sortable = sort !== undefined && sort !== 'never';
  return (
    <th
      {...marks('TableHeader', props)}
      style={{ textAlign: (str(props.align) ?? 'left') as 'left', ...widthOf(props.width) }}
      aria-sort={sort === 'ascending' || sort === 'descending' ? sort : undefined}
    >
      {sortable ? (
        <button
          type="button"
          className="hs-sort"
          disabled={props.disabled === true}
          onClick={() => call(props.onSortChange, NEXT_SORT[sort] ?? 'ascending')}
        >
          {props.children}{' '}
          <span aria-hidden="true">{sort === 'ascending' ? '▲' : sort === 'descending' ? '▼' : '⇅'}</span>
        </button>
      ) : (
        props.children
      )}
    </th>
  );
}

export function DescriptionList(props: RemoteProps) {
  return (
    <dl
      {...marks('DescriptionList', props)}
      className={`hs-dl is-${props.direction === 'row' ? 'row' : 'column'}`}
    >
      {props.children}
    </dl>
  );
}
export function DescriptionListItem(props: RemoteProps) {
  return (
    <div {...marks('DescriptionListItem', props)} className="hs-dl-item">
      <dt>{str(props.label)}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

export function ProgressBar(props: RemoteProps) {
  const max = num(props.maxValue) ?? num(props.valueMax) ?? 100;
  const value = Math.max(0, Math.min(num(props.value) ?? 0, max));
  const pct = max > 0 ? Math.round((value / max) * 100) : 0;
  const variant = str(props.variant) ?? 'default';
  const title = str(props.title);
  return (
    <div {...marks('ProgressBar', props)} className="hs-progress">
      {title || props.showPercentage === true || str(props.valueDescription) ? (
        <div className="hs-progress-labels">
          <span className="hs-progress-title">{title}</span>
          <span className="hs-progress-value">
            {str(props.valueDescription) ?? (props.showPercentage === true ? `${pct}%` : '')}
          </span>
        </div>
      ) : null}
      <div
        className={`hs-progress-track is-${variant}`}
        role="progressbar"
        aria-label={str(props['aria-label']) ?? title}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={value}
      >
        <div className="hs-progress-fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

export const Statistics = (props: RemoteProps) => (
  <div {...marks('Statistics', props)} className="hs-statistics">
    {props.children}
  </div>
);
export function StatisticsItem(props: RemoteProps) {
  return (
    <div {...marks('StatisticsItem', props)} className="hs-stat">
      <div className="hs-stat-label">{str(props.label)}</div>
      <div className="hs-stat-number">
        {typeof props.number === 'number' || typeof props.number === 'string' ? String(props.number) : ''}
      </div>
      {props.children}
    </div>
  );
}
export function StatisticsTrend(props: RemoteProps) {
  const up = props.direction === 'increase';
  return (
    <span {...marks('StatisticsTrend', props)} className={`hs-trend ${up ? 'is-up' : 'is-down'}`}>
      {up ? '▲' : '▼'} {str(props.value) ?? ''}
    </span>
  );
}

export function StepIndicator(props: RemoteProps) {
  const steps = Array.isArray(props.stepNames) ? (props.stepNames as unknown[]).map(String) : [];
  const current = num(props.currentStep) ?? 0;
  return (
    <ol {...marks('StepIndicator', props)} className="hs-steps">
      {steps.map((s, i) => (
        <li
          key={i}
          className={i < current ? 'is-done' : i === current ? 'is-current' : ''}
          onClick={() => call(props.onClick, i)}
        >
          <span className="hs-step-dot">{i < current ? '✓' : i + 1}</span>
          <span>{s}</span>
        </li>
      ))}
    </ol>
  );
}

export function Tabs(props: RemoteProps) {
  const tabs = Children.toArray(props.children).filter(isValidElement) as React.ReactElement<RemoteProps>[];
  const ids = tabs.map((t, i) => str(t.props.tabId) ?? String(i));
  const [own, setOwn] = useState(str(props.defaultSelected) ?? ids[0] ?? '');
  const selected = str(props.selected) ?? own;
  return (
    <div {...marks('Tabs', props)} className="hs-tabs">
      <div role="tablist" className="hs-tablist">
        {tabs.map((t, i) => (
          <button
            key={ids[i]}
            type="button"
            role="tab"
            aria-selected={ids[i] === selected}
            disabled={t.props.disabled === true}
            className={ids[i] === selected ? 'is-selected' : ''}
            onClick={() => {
              setOwn(ids[i] ?? '');
              call(props.onSelectedChange, ids[i]);
            }}
          >
            {str(t.props.title) ?? ids[i]}
          </button>
        ))}
      </div>
      {tabs.map((t, i) =>
        ids[i] === selected ? (
          <div key={ids[i]} role="tabpanel">
            {t}
          </div>
        ) : null,
      )}
    </div>
  );
}
export const Tab = (props: RemoteProps) => <div {...marks('Tab', props)}>{props.children}</div>;

export function Accordion(props: RemoteProps) {
  const [own, setOwn] = useState(props.defaultOpen === true);
  const open = typeof props.open === 'boolean' ? props.open : own;
  return (
    <div {...marks('Accordion', props)} className={`hs-accordion${open ? ' is-open' : ''}`}>
      <button
        type="button"
        className="hs-accordion-title"
        aria-expanded={open}
        disabled={props.disabled === true}
        onClick={() => {
          setOwn(!open);
          call(props.onClick);
        }}
      >
        <span className="hs-accordion-caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        {str(props.title)}
      </button>
      {open ? <div className="hs-accordion-body">{props.children}</div> : null}
    </div>
  );
}
