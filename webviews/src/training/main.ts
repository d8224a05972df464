/** Entry of the training monitor webview bundle (dist/webviews/training.js). */
import { startView } from '../shell';
import { applyTrainingUpdate, renderTraining } from './view';

startView('training', { render: renderTraining, trainingUpdate: applyTrainingUpdate });
