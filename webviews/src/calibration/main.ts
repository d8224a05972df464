/** Entry of the calibration webview bundle (dist/webviews/calibration.js). */
import { startView } from '../shell';
import { renderCalibration } from './view';

startView('calibration', { render: renderCalibration });
