/**
 * Overlays as HubSpot runs them: a Button, Link or Tag with an `overlay` prop (a Modal or Panel) opens it on
 * click; the card closes it with actions.closeOverlay(id), or the user with ✕ / Escape / the backdrop; onClick
 * handlers get `reactions` (openModal, closeModal, openPanel, closePanel). Modal and Panel call onOpen/onClose.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { createPortal } from 'react-dom';
import { call, marks, str, type RemoteProps } from './shared';

interface OverlayHandle {
  open(): void;
  close(): void;
}

/** Every Modal and Panel of the card, by id. */
export class OverlayRegistry {
  private readonly handles = new Map<string, OverlayHandle>();
  register(id: string, handle: OverlayHandle): () => void {
    this.handles.set(id, handle);
    return () => {
      if (this.handles.get(id) === handle) this.handles.delete(id);
    };
  }
  open(id: string): boolean {
    const handle = this.handles.get(id);
    handle?.open();
    return handle !== undefined;
  }
  close(id: string): boolean {
    const handle = this.handles.get(id);
    handle?.close();
    return handle !== undefined;
  }
}

export const OverlayRegistryContext = createContext<OverlayRegistry>(new OverlayRegistry());

interface Scope {
  readonly open: boolean;
  setOpen(open: boolean): void;
}
const OverlayScopeContext = createContext<Scope | null>(null);

/** The `reactions` argument of onClick handlers. */
export function useReactions() {
  const registry = useContext(OverlayRegistryContext);
  return useMemo(
    () => ({
      openModal: (id: string) => void registry.open(id),
      closeModal: (id: string) => void registry.close(id),
      openPanel: (id: string) => void registry.open(id),
      closePanel: (id: string) => void registry.close(id),
    }),
    [registry],
  );
}

/** Renders the trigger, and the overlay fragment (hidden until opened) beside it. */
export function OverlayTrigger({
  overlay,
  render,
}: {
  overlay: unknown;
  render: (open: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const scope = useMemo(() => ({ open, setOpen }), [open]);
  return (
    <>
      {render(() => setOpen(true))}
      <OverlayScopeContext.Provider value={scope}>{overlay as ReactNode}</OverlayScopeContext.Provider>
    </>
  );
}

function useOverlay(props: RemoteProps): { open: boolean; close: () => void } {
  const scope = useContext(OverlayScopeContext);
  const registry = useContext(OverlayRegistryContext);
  const [selfOpen, setSelfOpen] = useState(false);
  const open = scope?.open === true || selfOpen;
  const close = useCallback(() => {
    scope?.setOpen(false);
    setSelfOpen(false);
  }, [scope]);
  const id = str(props.id) ?? '';
  useEffect(
    () =>
      registry.register(id, {
        open: () => (scope ? scope.setOpen(true) : setSelfOpen(true)),
        close,
      }),
    [registry, id, scope, close],
  );
  const was = useRef(false);
  useEffect(() => {
    if (open && !was.current) call(props.onOpen);
    if (!open && was.current) call(props.onClose);
    was.current = open;
  }, [open, props.onOpen, props.onClose]);
  useEffect(() => {
    if (!open) return undefined;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open, close]);
  return { open, close };
}

const WIDTHS: Record<string, number> = { sm: 400, small: 400, md: 600, medium: 600, lg: 800, large: 800 };

export function Modal(props: RemoteProps) {
  const { open, close } = useOverlay(props);
  if (!open) return null;
  const title = str(props.title);
  return createPortal(
    <div className="hs-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        {...marks('Modal', props)}
        role="dialog"
        aria-modal="true"
        aria-label={str(props['aria-label']) ?? title}
        className={`hs-modal${props.variant === 'danger' ? ' is-danger' : ''}`}
        style={{ width: WIDTHS[str(props.width) ?? 'md'] ?? 600 }}
      >
        <div className="hs-modal-header">
          <h3>{title}</h3>
          <button type="button" className="hs-close" aria-label="Close" onClick={close}>
            ✕
          </button>
        </div>
        {props.children}
      </div>
    </div>,
    document.body,
  );
}
export const ModalBody = (props: RemoteProps) => (
  <div {...marks('ModalBody', props)} className="hs-modal-body">
    {props.children}
  </div>
);
export const ModalFooter = (props: RemoteProps) => (
  <div {...marks('ModalFooter', props)} className="hs-modal-footer">
    {props.children}
  </div>
);

const PANEL_WIDTHS: Record<string, number> = {
  sm: 360,
  small: 360,
  md: 500,
  medium: 500,
  lg: 680,
  large: 680,
};

export function Panel(props: RemoteProps) {
  const { open, close } = useOverlay(props);
  if (!open) return null;
  const title = str(props.title);
  return createPortal(
    <div
      className={props.variant === 'modal' ? 'hs-backdrop is-panel' : 'hs-panel-layer'}
      onMouseDown={(e) => e.target === e.currentTarget && close()}
    >
      <aside
        {...marks('Panel', props)}
        role="dialog"
        aria-label={str(props['aria-label']) ?? title}
        className="hs-panel"
        style={{ width: PANEL_WIDTHS[str(props.width) ?? 'sm'] ?? 360 }}
      >
        <div className="hs-panel-header">
          <h3>{title}</h3>
          <button type="button" className="hs-close" aria-label="Close" onClick={close}>
            ✕
          </button>
        </div>
        <div className="hs-panel-content">{props.children}</div>
      </aside>
    </div>,
    document.body,
  );
}
export const PanelBody = (props: RemoteProps) => (
  <div {...marks('PanelBody', props)} className="hs-panel-body">
    {props.children}
  </div>
);
export const PanelSection = (props: RemoteProps) => (
  <section
    {...marks('PanelSection', props)}
    className={`hs-panel-section${props.flush === true ? ' is-flush' : ''}`}
  >
    {props.children}
  </section>
);
export const PanelFooter = (props: RemoteProps) => (
  <div {...marks('PanelFooter', props)} className="hs-panel-footer">
    {props.children}
  </div>
);
