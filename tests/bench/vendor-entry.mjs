// Browser bundle of mqtt-packet (and the `buffer` polyfill it runs on) for codec.mjs;
// bundled by scripts/bench-browser.sh with esbuild, as a browser app would bundle it.
export { Buffer } from 'buffer';
import mqttPacket from 'mqtt-packet';
export { mqttPacket };
