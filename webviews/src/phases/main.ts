/** Entry of the phases webview bundle (dist/webviews/phases.js). */
import { startView } from '../shell';
import { applyTrainingUpdate } from '../training/view';
import { renderPhases } from './view';

startView('phases', { render: renderPhases, trainingUpdate: applyTrainingUpdate });
