import { mount } from 'svelte'
import App from './App.svelte'
import { readHash } from './lib/state.ts'
import './app.css'

mount(App, { target: document.getElementById('app')!, props: { initial: readHash(window.location.hash) } })

// Offline after the first visit: the service worker precaches every built file.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch(() => {
      // Without a service worker the page still works online.
    })
  })
}
