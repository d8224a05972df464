/** Entry of the run comparison webview bundle (dist/webviews/compare.js). */
import { startView } from '../shell';
import { renderCompare } from './view';

startView('compare', { render: (data, ctx) => renderCompare(data, ctx) });
