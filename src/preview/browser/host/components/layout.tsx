/** Flex, Box, Inline, AutoGrid, Stack, Center, Tile, Card, Divider, Spacer. */
import type { CSSProperties } from 'react';
import { FLEX, marks, num, space, str, type RemoteProps } from './shared';

export function Flex(props: RemoteProps) {
  const wrap = props.wrap === true || props.wrap === 'wrap';
  const style: CSSProperties = {
    display: 'flex',
    flexDirection: props.direction === 'column' ? 'column' : 'row',
    gap: space(props.gap),
    justifyContent: FLEX[str(props.justify) ?? 'start'],
    alignItems: FLEX[str(props.align) ?? 'stretch'],
    ...(str(props.alignSelf) ? { alignSelf: FLEX[str(props.alignSelf) ?? ''] } : {}),
    flexWrap: wrap ? 'wrap' : 'nowrap',
    minWidth: 0,
  };
  return (
    <div {...marks('Flex', props)} style={style}>
      {props.children}
    </div>
  );
}

export function Box(props: RemoteProps) {
  const flex = props.flex;
  const style: CSSProperties = {
    minWidth: 0,
    ...(flex === undefined
      ? {}
      : {
          flex:
            typeof flex === 'number'
              ? `${flex} 1 0%`
              : flex === 'none'
                ? 'none'
                : flex === 'auto'
                  ? '1 1 auto'
                  : '0 1 auto',
        }),
    ...(str(props.alignSelf) ? { alignSelf: FLEX[str(props.alignSelf) ?? ''] } : {}),
  };
  return (
    <div {...marks('Box', props)} style={style}>
      {props.children}
    </div>
  );
}

export function Inline(props: RemoteProps) {
  return (
    <div
      {...marks('Inline', props)}
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        gap: space(props.gap, 0),
        justifyContent: FLEX[str(props.justify) ?? 'start'],
        alignItems: FLEX[str(props.align) ?? 'center'],
      }}
    >
      {props.children}
    </div>
  );
}

export function Stack(props: RemoteProps) {
  return (
    <div
      {...marks('Stack', props)}
      style={{
        display: 'flex',
        flexDirection: props.direction === 'row' ? 'row' : 'column',
        gap: space(props.distance, 8),
        alignItems: FLEX[str(props.align) ?? 'stretch'],
        justifyContent: FLEX[str(props.justify) ?? 'start'],
        width: props.width === '100%' ? '100%' : undefined,
      }}
    >
      {props.children}
    </div>
  );
}

export function AutoGrid(props: RemoteProps) {
  const width = num(props.columnWidth) ?? 200;
  return (
    <div
      {...marks('AutoGrid', props)}
      style={{
        display: 'grid',
        gap: space(props.gap, 0),
        gridTemplateColumns:
          props.flexible === true
            ? `repeat(auto-fit, minmax(${width}px, 1fr))`
            : `repeat(auto-fill, ${width}px)`,
      }}
    >
      {props.children}
    </div>
  );
}

export function Center(props: RemoteProps) {
  return (
    <div
      {...marks('Center', props)}
      style={{ display: 'flex', justifyContent: 'center', alignItems: 'center' }}
    >
      {props.children}
    </div>
  );
}

export function Tile(props: RemoteProps) {
  const cls = [
    'hs-tile',
    props.compact === true ? 'is-compact' : '',
    props.flush === true ? 'is-flush' : '',
  ].join(' ');
  return (
    <div {...marks('Tile', props)} className={cls}>
      {props.children}
    </div>
  );
}

export function Card(props: RemoteProps) {
  return (
    <div {...marks('Card', props)} className="hs-tile">
      {props.children}
    </div>
  );
}

export function Divider(props: RemoteProps) {
  const distance = space(props.distance ?? props.size, 16);
  return <hr {...marks('Divider', props)} className="hs-divider" style={{ margin: `${distance}px 0` }} />;
}

export function Spacer(props: RemoteProps) {
  return <div {...marks('Spacer', props)} style={{ height: space(props.size, 16) }} />;
}
