/** Video.js's stylesheet, which the embed bundle imports as text (webpack `asset/source`). */
declare module 'video.js/dist/video-js.min.css' {
  const css: string;
  export default css;
}
