/**
 * The remote components the preview draws, by the names @hubspot/ui-extensions registers them under
 * (remote-component-registry). A name not in this map — a component the preview does not implement, such as
 * HubSpot's CRM data components or charts — renders a visible placeholder naming it, with its children.
 */
import type { ComponentType } from 'react';
import { Button, ButtonRow, Dropdown, DropdownButtonItem, LoadingButton, StatusTag, Tag } from './buttons';
import {
  Accordion,
  DescriptionList,
  DescriptionListItem,
  ProgressBar,
  Statistics,
  StatisticsItem,
  StatisticsTrend,
  StepIndicator,
  Tab,
  Table,
  TableBody,
  TableCell,
  TableFooter,
  TableHead,
  TableHeader,
  TableRow,
  Tabs,
} from './data';
import { Alert, EmptyState, ErrorState, LoadingSpinner } from './feedback';
import {
  Checkbox,
  CurrencyInput,
  DateInput,
  Form,
  Input,
  MultiSelect,
  NumberInput,
  RadioButton,
  SearchInput,
  Select,
  StepperInput,
  TextArea,
  Textarea,
  TimeInput,
  Toggle,
  ToggleGroup,
} from './inputs';
import { AutoGrid, Box, Card, Center, Divider, Flex, Inline, Spacer, Stack, Tile } from './layout';
import { Modal, ModalBody, ModalFooter, Panel, PanelBody, PanelFooter, PanelSection } from './overlays';
import type { RemoteProps } from './shared';
import { Heading, Icon, Image, Link, List, Text } from './text';

export const HUBSPOT_COMPONENTS: Record<string, ComponentType<RemoteProps>> = {
  // layout
  Flex,
  Box,
  Inline,
  AutoGrid,
  Stack,
  Center,
  Tile,
  Card,
  Divider,
  Spacer,
  // text
  Text,
  Heading,
  Link,
  Image,
  List,
  Icon,
  // tables
  Table,
  TableHead,
  TableHeader,
  TableBody,
  TableRow,
  TableCell,
  TableFooter,
  // inputs
  Form,
  Input,
  TextArea,
  Textarea,
  SearchInput,
  NumberInput,
  CurrencyInput,
  StepperInput,
  DateInput,
  TimeInput,
  Select,
  MultiSelect,
  Checkbox,
  RadioButton,
  ToggleGroup,
  Toggle,
  // actions
  Button,
  LoadingButton,
  ButtonRow,
  Dropdown,
  DropdownButtonItem,
  // tags, progress, data display
  Tag,
  StatusTag,
  ProgressBar,
  DescriptionList,
  DescriptionListItem,
  Statistics,
  StatisticsItem,
  StatisticsTrend,
  StepIndicator,
  Tabs,
  Tab,
  Accordion,
  // overlays
  Modal,
  ModalBody,
  ModalFooter,
  Panel,
  PanelBody,
  PanelSection,
  PanelFooter,
  // feedback
  Alert,
  LoadingSpinner,
  EmptyState,
  ErrorState,
};

const placeholders = new Map<string, ComponentType<RemoteProps>>();

/** A visible stand-in for a component the preview does not draw: never a silent blank. */
export function placeholderFor(name: string): ComponentType<RemoteProps> {
  let component = placeholders.get(name);
  if (!component) {
    component = function Unimplemented(props: RemoteProps) {
      return (
        <div className="hs-unimplemented" data-hs="Unimplemented" data-component={name} role="note">
          <div className="hs-unimplemented-label">
            <strong>{name}</strong> — not implemented in the local preview (HubSpot draws it on a real portal)
          </div>
          {props.children ? <div>{props.children}</div> : null}
        </div>
      );
    };
    placeholders.set(name, component);
  }
  return component;
}
