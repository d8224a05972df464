/** Entry of the graph webview bundle (dist/webviews/graph.js). */
import { startView } from '../shell';
import { renderGraph } from './view';

startView('graph', { render: renderGraph });
