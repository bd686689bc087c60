// Reads a QR code from the camera: getUserMedia + jsQR (installed from npm, served as /vendor/jsQR.js).
// Used by the merchant app (CPM: the citizen's QR) and the wallet (MPM: the store's QR).

/** Start the camera in `video`; calls onText(text) once with the first QR code read. Returns stop(). */
export async function startScanner(video, onText, { accept = () => true } = {}) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new Error('このブラウザではカメラを利用できません。');
  }
  if (typeof window.jsQR !== 'function') throw new Error('QRコード読取の準備ができていません。画面を再読み込みしてください。');
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  } catch (error) {
    throw new Error('カメラを起動できませんでした。ブラウザの設定でカメラの利用を許可してください。');
  }
  video.srcObject = stream;
  video.setAttribute('playsinline', '');
  video.muted = true;
  await video.play();
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  let running = true;
  function stop() {
    running = false;
    stream.getTracks().forEach((track) => track.stop());
    video.srcObject = null;
  }
  function scan() {
    if (!running) return;
    if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
      if (code && code.data && accept(code.data)) {
        stop();
        onText(code.data);
        return;
      }
    }
    setTimeout(scan, 120);
  }
  scan();
  return stop;
}
