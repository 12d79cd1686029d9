//! The route table. Areas register through `Routes`, which either adds the
//! routes to the app or only records them: so `table()` lists every route
//! the app serves, and tests can check each one (a new route cannot be
//! forgotten by the authorisation tests).

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Responder, web};

pub struct Routes<'a> {
    sink: Sink<'a>,
}

enum Sink<'a> {
    Live(&'a mut web::ServiceConfig),
    Record(&'a mut Vec<(Method, &'static str)>),
}

impl<'a> Routes<'a> {
    pub fn live(cfg: &'a mut web::ServiceConfig) -> Self {
        Routes { sink: Sink::Live(cfg) }
    }

    pub fn record(list: &'a mut Vec<(Method, &'static str)>) -> Self {
        Routes { sink: Sink::Record(list) }
    }

    pub fn get<F, Args>(&mut self, path: &'static str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::GET, path, web::get().to(handler))
    }

    pub fn post<F, Args>(&mut self, path: &'static str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.add(Method::POST, path, web::post().to(handler))
    }

    /// Data for the handlers of this worker (not a route: nothing to record).
    pub fn data<T: 'static>(&mut self, data: web::Data<T>) -> &mut Self {
        if let Sink::Live(cfg) = &mut self.sink {
            cfg.app_data(data);
        }
        self
    }

    fn add(&mut self, method: Method, path: &'static str, route: actix_web::Route) -> &mut Self {
        match &mut self.sink {
            // Each route becomes a resource guarded by its method, so a GET and
            // a POST on one path coexist.
            Sink::Live(cfg) => {
                cfg.route(path, route);
            }
            Sink::Record(list) => list.push((method, path)),
        }
        self
    }
}
