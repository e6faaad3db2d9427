import { render } from "preact";
import "./styles.css";
import { App } from "./App";
import { configure } from "./api";
import { loadConfig } from "./config";
import { errorText } from "./format";

const root = document.getElementById("app") as HTMLElement;

loadConfig().then(
  (config) => {
    configure(config, (message) => window.dispatchEvent(new CustomEvent("niochat:unauthorized", { detail: message })));
    render(<App />, root);
  },
  (error: unknown) => {
    render(
      <main class="fatal" role="alert">
        <h1>NioChat</h1>
        <p>{errorText(error)}</p>
        <button type="button" onClick={() => location.reload()}>
          Tentar de novo
        </button>
      </main>,
      root,
    );
  },
);
