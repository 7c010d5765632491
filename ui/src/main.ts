// Mounts the Svelte app into the webview.
import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";

const target = document.getElementById("app");
if (!target) throw new Error("#app missing");
export default mount(App, { target });
