/** Entry of the ab webview bundle (dist/webviews/ab.js). */
import { startView } from '../shell';
import { renderAb } from './view';

startView('ab', { render: renderAb });
