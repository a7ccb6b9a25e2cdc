// Vite serves a file imported with `?url` and gives its address; the digits are fetched, not bundled.
declare module "mnist/src/digits/*.json?url" {
  const url: string;
  export default url;
}
